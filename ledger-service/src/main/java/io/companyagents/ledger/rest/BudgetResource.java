package io.companyagents.ledger.rest;

import io.companyagents.ledger.domain.ScopeType;
import io.companyagents.ledger.rest.BudgetApi.BlockingScope;
import io.companyagents.ledger.rest.BudgetApi.BudgetView;
import io.companyagents.ledger.rest.BudgetApi.CheckResult;
import io.companyagents.ledger.rest.BudgetApi.SetBudget;
import io.companyagents.ledger.service.BudgetService;
import io.companyagents.platform.identity.ActorType;
import io.companyagents.platform.identity.Caller;
import io.companyagents.platform.paging.Page;
import io.companyagents.platform.paging.PageRequest;
import io.companyagents.platform.problem.ApiException;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.EntityTag;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.UUID;

@Path("/api/v1/companies/{companyId}/budgets")
@Tag(name = "Budgets")
public class BudgetResource {

    @Inject
    BudgetService budgets;

    @Inject
    Caller caller;

    @GET
    @Operation(summary = "List the company's budgets with their current spend and state")
    public Uni<Page<BudgetView>> list(@PathParam("companyId") UUID companyId, @QueryParam("limit") Integer limit,
                                      @QueryParam("cursor") String cursor) {
        caller.requireCompany(companyId);
        return budgets.list(companyId, PageRequest.of(limit, cursor))
                .map(p -> new Page<>(p.items().stream().map(BudgetView::of).toList(), p.nextCursor()));
    }

    @GET
    @Path("check")
    @Operation(summary = "Claim-time budget check for other services",
            description = "May this agent (its team resolved from the agent unless teamId is given) work on this project"
                    + " now? allowed is false when a hard-stop budget on the company, the team, the agent or the project"
                    + " is exceeded in its current window; blockingScopes names each such budget. Soft budgets"
                    + " (hardStop false) never block. Read-only.")
    public Uni<CheckResult> check(@PathParam("companyId") UUID companyId, @QueryParam("agentId") UUID agentId,
                                  @QueryParam("teamId") UUID teamId, @QueryParam("projectId") UUID projectId) {
        caller.requireCompany(companyId);
        return budgets.blocking(companyId, agentId, teamId, projectId)
                .map(blocking -> new CheckResult(blocking.isEmpty(), blocking.stream().map(BlockingScope::of).toList()));
    }

    @PUT
    @Path("{scopeType}/{scopeId}")
    @Operation(summary = "Create (201) or replace (200) the budget on a scope: company (scopeId = the company id), team,"
            + " agent or project. Optional If-Match with the ETag of the GET.")
    public Uni<Response> set(@PathParam("companyId") UUID companyId, @PathParam("scopeType") String scopeType,
                             @PathParam("scopeId") UUID scopeId, @HeaderParam("If-Match") String ifMatch,
                             @Valid @NotNull SetBudget body) {
        caller.requireCompany(companyId);
        requireBudgetWriter();
        ScopeType scope = scope(companyId, scopeType, scopeId);
        BudgetService.Settings settings = new BudgetService.Settings(body.limitMicros(), body.window(),
                body.warnPercent() == null ? 80 : body.warnPercent(), body.hardStop() == null || body.hardStop());
        return budgets.set(companyId, scope, scopeId, settings, version(ifMatch), caller.actorType().name(), caller.actorId())
                .map(r -> Response.status(r.created() ? 201 : 200).entity(BudgetView.of(r.budget()))
                        .tag(etag(r.budget().version())).build());
    }

    @GET
    @Path("{scopeType}/{scopeId}")
    @Operation(summary = "The budget on a scope with spentMicros, remainingMicros and state (ok, warning, exceeded) in"
            + " its current window (ETag = version)")
    public Uni<Response> get(@PathParam("companyId") UUID companyId, @PathParam("scopeType") String scopeType,
                             @PathParam("scopeId") UUID scopeId) {
        caller.requireCompany(companyId);
        ScopeType scope = scope(companyId, scopeType, scopeId);
        return budgets.get(companyId, scope, scopeId)
                .map(b -> Response.ok(BudgetView.of(b)).tag(etag(b.version())).build());
    }

    @DELETE
    @Path("{scopeType}/{scopeId}")
    @Operation(summary = "Delete the budget on a scope; an exceeded one is recovered first (budget.recovered)")
    public Uni<Response> delete(@PathParam("companyId") UUID companyId, @PathParam("scopeType") String scopeType,
                                @PathParam("scopeId") UUID scopeId) {
        caller.requireCompany(companyId);
        requireBudgetWriter();
        ScopeType scope = scope(companyId, scopeType, scopeId);
        return budgets.delete(companyId, scope, scopeId, caller.actorType().name(), caller.actorId())
                .map(v -> Response.noContent().build());
    }

    /** Budgets are the board's: agent keys may not change them, viewers only read. */
    private void requireBudgetWriter() {
        if (caller.actorType() == ActorType.agent) {
            throw ApiException.forbidden("an agent key may not change budgets");
        }
        caller.requireWrite();
    }

    private static ScopeType scope(UUID companyId, String scopeType, UUID scopeId) {
        ScopeType scope = ScopeType.parse("scopeType", scopeType);
        if (scope == ScopeType.company && !companyId.equals(scopeId)) {
            throw ApiException.validation("scopeId", "a company budget's scopeId is the company id");
        }
        return scope;
    }

    private static EntityTag etag(long version) {
        return new EntityTag(Long.toString(version));
    }

    private static Long version(String ifMatch) {
        if (ifMatch == null || ifMatch.isBlank()) {
            return null;
        }
        try {
            return Long.parseLong(ifMatch.trim().replace("W/", "").replace("\"", ""));
        } catch (NumberFormatException e) {
            throw ApiException.validation("If-Match", "must be the ETag of the budget");
        }
    }
}
