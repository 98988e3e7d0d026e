package io.companyagents.ledger.rest;

import io.companyagents.ledger.repository.CostEntryRepository.GroupBy;
import io.companyagents.ledger.rest.CostApi.Summary;
import io.companyagents.ledger.rest.CostApi.SummaryGroup;
import io.companyagents.ledger.service.CostService;
import io.companyagents.platform.identity.Caller;
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

@Path("/api/v1/companies/{companyId}/costs")
@Tag(name = "Costs")
public class CostSummaryResource {

    @Inject
    CostService costs;

    @Inject
    Caller caller;

    @GET
    @Path("summary")
    @Operation(summary = "Costs grouped by agent, team, task, project, provider, model or UTC day over [from, to);"
            + " totalMicros always equals the sum of the groups and of the entries")
    public Uni<Summary> summary(@PathParam("companyId") UUID companyId, @QueryParam("groupBy") String groupBy,
                                @QueryParam("from") String from, @QueryParam("to") String to) {
        caller.requireCompany(companyId);
        GroupBy by = parse(groupBy);
        TimeRange range = TimeRange.of(from, to);
        return costs.summary(companyId, by, range.from(), range.to())
                .map(t -> new Summary(t.groups().stream().map(SummaryGroup::of).toList(), t.total().costMicros()));
    }

    private static GroupBy parse(String groupBy) {
        try {
            return GroupBy.valueOf(groupBy);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw ApiException.validation("groupBy", "must be one of agent, team, task, project, provider, model, day");
        }
    }
}
