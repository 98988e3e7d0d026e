package io.companyagents.ledger.rest;

import io.companyagents.ledger.repository.CostEntryRepository;
import io.companyagents.ledger.rest.CostApi.CostEntryView;
import io.companyagents.ledger.rest.CostApi.NewCostEntry;
import io.companyagents.ledger.service.CostService;
import io.companyagents.platform.identity.ActorType;
import io.companyagents.platform.identity.Caller;
import io.companyagents.platform.idempotency.Idempotency;
import io.companyagents.platform.paging.Page;
import io.companyagents.platform.paging.PageRequest;
import io.companyagents.platform.problem.ApiException;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.ParameterIn;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.UUID;

@Path("/api/v1/companies/{companyId}/cost-entries")
@Tag(name = "Costs")
public class CostEntryResource {

    @Inject
    CostService costs;

    @Inject
    Caller caller;

    @POST
    @Operation(summary = "Record a cost. Idempotency-Key is required (400 without it); costMicros is computed from the"
            + " price table when absent (422 price_unknown for a model without a price). An agent key records its own"
            + " costs only.")
    public Uni<Response> create(@PathParam("companyId") UUID companyId,
                                @Parameter(in = ParameterIn.HEADER, required = true,
                                        description = "same key and body → the first response again; another body → 422")
                                @HeaderParam(Idempotency.HEADER) String idempotencyKey,
                                @Valid @NotNull NewCostEntry body) {
        caller.requireCompany(companyId);
        if (caller.actorType() == ActorType.agent) {
            if (!body.agentId().toString().equals(caller.actorId())) {
                throw ApiException.forbidden("an agent key records its own costs only");
            }
        } else {
            caller.requireWrite();
        }
        return costs.create(companyId, body, idempotencyKey, caller.actorType().name(), caller.actorId());
    }

    @GET
    @Operation(summary = "List cost entries in recording order; filters agentId, teamId, taskId, projectId, runId,"
            + " from (inclusive) and to (exclusive) on occurredAt")
    public Uni<Page<CostEntryView>> list(@PathParam("companyId") UUID companyId, @QueryParam("agentId") UUID agentId,
                                         @QueryParam("teamId") UUID teamId, @QueryParam("taskId") UUID taskId,
                                         @QueryParam("projectId") UUID projectId, @QueryParam("runId") UUID runId,
                                         @QueryParam("from") String from, @QueryParam("to") String to,
                                         @QueryParam("limit") Integer limit, @QueryParam("cursor") String cursor) {
        caller.requireCompany(companyId);
        TimeRange range = TimeRange.of(from, to);
        PageRequest page = PageRequest.of(limit, cursor);
        return costs.list(companyId, new CostEntryRepository.Filter(agentId, teamId, taskId, projectId, runId, range.from(),
                        range.to()), page)
                .map(p -> new Page<>(p.items().stream().map(CostEntryView::of).toList(), p.nextCursor()));
    }
}
