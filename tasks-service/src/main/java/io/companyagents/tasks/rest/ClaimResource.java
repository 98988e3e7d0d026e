package io.companyagents.tasks.rest;

import io.companyagents.platform.identity.Caller;
import io.companyagents.tasks.rest.TaskApi.ClaimRequest;
import io.companyagents.tasks.rest.TaskApi.ClaimResponse;
import io.companyagents.tasks.rest.TaskApi.HeartbeatRequest;
import io.companyagents.tasks.rest.TaskApi.HeartbeatResponse;
import io.companyagents.tasks.rest.TaskApi.LeaseView;
import io.companyagents.tasks.rest.TaskApi.TaskView;
import io.companyagents.tasks.service.ClaimService;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.UUID;

@Path("/api/v1/companies/{companyId}")
@Tag(name = "Claims and leases")
public class ClaimResource {

    @Inject
    ClaimService claims;

    @Inject
    Caller caller;

    @POST
    @Path("claims")
    @Operation(summary = "Claim the best eligible task (priority, then age): 200 with task, lease and run, or 204 when none")
    public Uni<Response> claim(@PathParam("companyId") UUID companyId, @Valid @NotNull ClaimRequest body) {
        caller.requireCompany(companyId);
        return claims.claimNext(companyId, body, caller)
                .map(c -> c.task() == null ? Response.noContent().build() : Response.ok(answer(c)).build());
    }

    @POST
    @Path("leases/{leaseId}/heartbeat")
    @Operation(summary = "Extend a live lease; 409 lease_lost if it expired or was superseded")
    public Uni<HeartbeatResponse> heartbeat(@PathParam("companyId") UUID companyId, @PathParam("leaseId") UUID leaseId,
                                            @Valid @NotNull HeartbeatRequest body) {
        caller.requireCompany(companyId);
        caller.requireWrite();
        return claims.heartbeat(companyId, leaseId, body.leaseEpoch(), body.progress(), caller)
                .map(expires -> new HeartbeatResponse(leaseId, body.leaseEpoch(), expires));
    }

    static ClaimResponse answer(ClaimService.Claimed c) {
        var t = c.task();
        return new ClaimResponse(TaskView.of(t), new LeaseView(c.leaseId(), t.leaseAgentId(), t.leaseEpoch(), t.leaseKind(),
                t.leaseExpiresAt()), new TaskApi.ClaimedRun(c.runId()));
    }
}
