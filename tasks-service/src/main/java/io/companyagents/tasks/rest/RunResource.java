package io.companyagents.tasks.rest;

import io.companyagents.platform.identity.Caller;
import io.companyagents.platform.paging.Page;
import io.companyagents.platform.paging.PageRequest;
import io.companyagents.platform.problem.ApiException;
import io.companyagents.tasks.service.RunService;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.UUID;

@Path("/api/v1/companies/{companyId}/runs")
@Tag(name = "Runs")
public class RunResource {

    @Inject
    RunService runs;

    @Inject
    Caller caller;

    @GET
    @Operation(summary = "List runs; filters taskId, agentId, status")
    public Uni<Page<RunApi.RunView>> list(@PathParam("companyId") UUID companyId, @QueryParam("taskId") UUID taskId,
                                          @QueryParam("agentId") UUID agentId, @QueryParam("status") String status,
                                          @QueryParam("limit") Integer limit, @QueryParam("cursor") String cursor) {
        caller.requireCompany(companyId);
        return runs.list(companyId, new RunService.RunFilter(taskId, agentId, status), PageRequest.of(limit, cursor));
    }

    @GET
    @Path("{runId}")
    @Operation(summary = "Get a run")
    public Uni<RunApi.RunView> get(@PathParam("companyId") UUID companyId, @PathParam("runId") UUID runId) {
        caller.requireCompany(companyId);
        return runs.get(companyId, runId);
    }

    @POST
    @Path("{runId}/finish")
    @Operation(summary = "Finish a run: ends the lease, applies the task action the outcome implies, records usage")
    public Uni<RunApi.RunView> finish(@PathParam("companyId") UUID companyId, @PathParam("runId") UUID runId,
                                      @Valid @NotNull RunApi.FinishRequest body) {
        caller.requireCompany(companyId);
        return runs.finish(companyId, runId, body, caller);
    }

    @POST
    @Path("{runId}/events")
    @Operation(summary = "Append to the run's ordered event log (seq gap-free per run)")
    public Uni<Response> append(@PathParam("companyId") UUID companyId, @PathParam("runId") UUID runId,
                                @Valid @NotNull RunApi.AppendEvent body) {
        caller.requireCompany(companyId);
        return runs.append(companyId, runId, body, caller).map(e -> Response.status(201).entity(e).build());
    }

    @GET
    @Path("{runId}/events")
    @Operation(summary = "Read the run's event log after a seq")
    public Uni<RunApi.EventPage> events(@PathParam("companyId") UUID companyId, @PathParam("runId") UUID runId,
                                        @QueryParam("afterSeq") Long afterSeq, @QueryParam("limit") Integer limit) {
        caller.requireCompany(companyId);
        int n = limit == null ? 200 : limit;
        if (n < 1 || n > 1000) {
            throw ApiException.validation("limit", "must be between 1 and 1000");
        }
        return runs.events(companyId, runId, afterSeq == null ? 0 : afterSeq, n);
    }
}
