package io.companyagents.ledger.rest;

import io.companyagents.ledger.domain.ScopeType;
import io.companyagents.ledger.repository.IncidentRepository;
import io.companyagents.ledger.rest.BudgetApi.IncidentView;
import io.companyagents.ledger.service.BudgetService;
import io.companyagents.platform.identity.Caller;
import io.companyagents.platform.paging.Page;
import io.companyagents.platform.paging.PageRequest;
import io.companyagents.platform.problem.ApiException;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.UUID;

@Path("/api/v1/companies/{companyId}/budget-incidents")
@Tag(name = "Budgets")
public class BudgetIncidentResource {

    @Inject
    BudgetService budgets;

    @Inject
    Caller caller;

    @GET
    @Operation(summary = "Budget incidents (a budget reaching its limit), oldest first; filters status (open, resolved),"
            + " budgetId, scopeType, scopeId")
    public Uni<Page<IncidentView>> list(@PathParam("companyId") UUID companyId, @QueryParam("status") String status,
                                        @QueryParam("budgetId") UUID budgetId, @QueryParam("scopeType") String scopeType,
                                        @QueryParam("scopeId") UUID scopeId, @QueryParam("limit") Integer limit,
                                        @QueryParam("cursor") String cursor) {
        caller.requireCompany(companyId);
        Boolean open = switch (status == null ? "" : status) {
            case "" -> null;
            case "open" -> true;
            case "resolved" -> false;
            default -> throw ApiException.validation("status", "must be open or resolved");
        };
        String scope = scopeType == null ? null : ScopeType.parse("scopeType", scopeType).name();
        return budgets.incidents(companyId, new IncidentRepository.Filter(open, budgetId, scope, scopeId),
                        PageRequest.of(limit, cursor))
                .map(p -> new Page<>(p.items().stream().map(IncidentView::of).toList(), p.nextCursor()));
    }
}
