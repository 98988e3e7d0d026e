package io.companyagents.agents.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.companyagents.agents.domain.Approval;
import io.companyagents.agents.domain.ApprovalKind;
import io.companyagents.agents.domain.ApprovalStatus;
import io.companyagents.agents.rest.ApprovalApi.ApprovalView;
import io.companyagents.agents.rest.ApprovalApi.CreateApproval;
import io.companyagents.agents.rest.ApprovalApi.Decision;
import io.companyagents.agents.service.ApprovalService;
import io.companyagents.agents.service.IdempotentCreate;
import io.companyagents.platform.paging.Page;
import io.companyagents.platform.paging.PageRequest;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.UUID;

/** Approvals: agents (or the board) ask, the board (owner/operator) or an admin decides. */
@Path("/api/v1/companies/{companyId}/approvals")
@Tag(name = "Approvals")
public class ApprovalResource {

    @Inject
    ApprovalService approvals;

    @Inject
    OrgAccess access;

    @Inject
    IdempotentCreate idempotent;

    @Inject
    RequestBodies bodies;

    @POST
    @Operation(summary = "Ask for an approval; it starts pending. Honours Idempotency-Key")
    public Uni<Response> requestApproval(@PathParam("companyId") UUID companyId,
                                         @HeaderParam(IdempotentCreate.HEADER) String idempotencyKey,
                                         @Valid @NotNull CreateApproval body) {
        access.contribute(companyId);
        String actorType = access.actorType();
        String actorId = access.actorId();
        return idempotent.create(companyId, idempotencyKey, "/api/v1/companies/" + companyId + "/approvals", body,
                () -> approvals.request(companyId, body, actorType, actorId).map(ApprovalView::of));
    }

    @GET
    @Operation(summary = "List approvals in order, optionally by status and kind")
    public Uni<Page<ApprovalView>> listApprovals(@PathParam("companyId") UUID companyId, @QueryParam("status") String status,
                                                 @QueryParam("kind") String kind, @QueryParam("limit") Integer limit,
                                                 @QueryParam("cursor") String cursor) {
        access.read(companyId);
        PageRequest page = PageRequest.of(limit, cursor);
        return approvals.list(companyId, Filters.oneOf("status", status, ApprovalStatus.class),
                        Filters.oneOf("kind", kind, ApprovalKind.class), page)
                .map(p -> new Page<>(p.items().stream().map(ApprovalView::of).toList(), p.nextCursor()));
    }

    @GET
    @Path("{approvalId}")
    @Operation(summary = "Get an approval")
    public Uni<Response> getApproval(@PathParam("companyId") UUID companyId, @PathParam("approvalId") UUID approvalId) {
        access.read(companyId);
        return approvals.get(companyId, approvalId).map(ApprovalResource::ok);
    }

    @POST
    @Path("{approvalId}/approve")
    @Consumes(MediaType.WILDCARD)
    @RequestBody(required = false, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = Decision.class)))
    @Operation(summary = "Approve a pending request (board owner/operator or admin); final")
    public Uni<Response> approveApproval(@PathParam("companyId") UUID companyId, @PathParam("approvalId") UUID approvalId,
                                         String body) throws JsonProcessingException {
        return decide(companyId, approvalId, ApprovalStatus.approved, body);
    }

    @POST
    @Path("{approvalId}/reject")
    @Consumes(MediaType.WILDCARD)
    @RequestBody(required = false, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = Decision.class)))
    @Operation(summary = "Reject a pending request (board owner/operator or admin); final")
    public Uni<Response> rejectApproval(@PathParam("companyId") UUID companyId, @PathParam("approvalId") UUID approvalId,
                                        String body) throws JsonProcessingException {
        return decide(companyId, approvalId, ApprovalStatus.rejected, body);
    }

    private Uni<Response> decide(UUID companyId, UUID approvalId, ApprovalStatus decision, String body)
            throws JsonProcessingException {
        access.manage(companyId);
        Decision d = bodies.optional(body, Decision.class);
        return approvals.decide(companyId, approvalId, decision, d == null ? null : d.note(), access.actorType(),
                access.actorId()).map(ApprovalResource::ok);
    }

    private static Response ok(Approval a) {
        return Response.ok(ApprovalView.of(a)).tag(Preconditions.etag(a.version)).build();
    }
}
