package io.companyagents.agents.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.companyagents.agents.domain.Agent;
import io.companyagents.agents.domain.AgentAction;
import io.companyagents.agents.domain.AgentStatus;
import io.companyagents.agents.rest.AgentApi.AgentView;
import io.companyagents.agents.rest.AgentApi.CreateAgent;
import io.companyagents.agents.rest.AgentApi.PauseAgent;
import io.companyagents.agents.rest.AgentApi.UpdateAgent;
import io.companyagents.agents.service.AgentService;
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
import jakarta.ws.rs.PATCH;
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

import java.util.OptionalLong;
import java.util.UUID;

/** Agents: board keys and admins manage them; an agent key may read its own company's agents. */
@Path("/api/v1/companies/{companyId}/agents")
@Tag(name = "Agents")
public class AgentResource {

    @Inject
    AgentService agents;

    @Inject
    OrgAccess access;

    @Inject
    IdempotentCreate idempotent;

    @Inject
    RequestBodies bodies;

    @POST
    @Operation(summary = "Create an agent (admin or board owner/operator); it starts active, or pending_approval with "
            + "a hire_agent approval opened when the company requires approval to hire. Honours Idempotency-Key")
    public Uni<Response> createAgent(@PathParam("companyId") UUID companyId,
                                     @HeaderParam(IdempotentCreate.HEADER) String idempotencyKey,
                                     @Valid @NotNull CreateAgent body) {
        access.manage(companyId);
        String actorType = access.actorType();
        String actorId = access.actorId();
        return idempotent.create(companyId, idempotencyKey, "/api/v1/companies/" + companyId + "/agents", body,
                () -> agents.create(companyId, body, actorType, actorId).map(AgentView::of));
    }

    @GET
    @Operation(summary = "List the company's agents in creation order, optionally by team, status and role")
    public Uni<Page<AgentView>> listAgents(@PathParam("companyId") UUID companyId, @QueryParam("teamId") UUID teamId,
                                     @QueryParam("status") String status, @QueryParam("role") String role,
                                     @QueryParam("limit") Integer limit, @QueryParam("cursor") String cursor) {
        access.read(companyId);
        PageRequest page = PageRequest.of(limit, cursor);
        return agents.list(companyId, teamId, Filters.oneOf("status", status, AgentStatus.class), Filters.text(role), page)
                .map(p -> new Page<>(p.items().stream().map(AgentView::of).toList(), p.nextCursor()));
    }

    @GET
    @Path("{agentId}")
    @Operation(summary = "Get an agent")
    public Uni<Response> getAgent(@PathParam("companyId") UUID companyId, @PathParam("agentId") UUID agentId) {
        access.read(companyId);
        return agents.get(companyId, agentId).map(AgentResource::ok);
    }

    @PATCH
    @Path("{agentId}")
    @Operation(summary = "Change an agent (merge patch; If-Match with the ETag is required). "
            + "reportsTo may not form a cycle (409 reports_to_cycle)")
    @RequestBody(content = @Content(schema = @Schema(implementation = UpdateAgent.class)))
    public Uni<Response> updateAgent(@PathParam("companyId") UUID companyId, @PathParam("agentId") UUID agentId,
                                @HeaderParam("If-Match") String ifMatch, ObjectNode body) throws JsonProcessingException {
        access.manage(companyId);
        OptionalLong expected = Preconditions.expectedVersion(ifMatch);
        Patch<UpdateAgent> patch = bodies.patch(body, UpdateAgent.class);
        return agents.update(companyId, agentId, expected, patch, access.actorType(), access.actorId())
                .map(AgentResource::ok);
    }

    @POST
    @Path("{agentId}/pause")
    @Operation(summary = "Pause an agent, with an optional reason (default manual)")
    @Consumes(MediaType.WILDCARD)
    @RequestBody(required = false, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = PauseAgent.class)))
    public Uni<Response> pauseAgent(@PathParam("companyId") UUID companyId, @PathParam("agentId") UUID agentId,
                               String body) throws JsonProcessingException {
        access.manage(companyId);
        PauseAgent pause = bodies.optional(body, PauseAgent.class);
        return act(companyId, agentId, AgentAction.pause, pause == null ? null : pause.reason());
    }

    @POST
    @Path("{agentId}/resume")
    @Operation(summary = "Resume a paused agent (also lifts a budget stop on it)")
    public Uni<Response> resumeAgent(@PathParam("companyId") UUID companyId, @PathParam("agentId") UUID agentId) {
        access.manage(companyId);
        return act(companyId, agentId, AgentAction.resume, null);
    }

    @POST
    @Path("{agentId}/terminate")
    @Operation(summary = "Terminate an agent; this is final")
    public Uni<Response> terminateAgent(@PathParam("companyId") UUID companyId, @PathParam("agentId") UUID agentId) {
        access.manage(companyId);
        return act(companyId, agentId, AgentAction.terminate, null);
    }

    private Uni<Response> act(UUID companyId, UUID agentId, AgentAction action, String reason) {
        return agents.act(companyId, agentId, action, reason, access.actorType(), access.actorId())
                .map(AgentResource::ok);
    }

    private static Response ok(Agent a) {
        return Response.ok(AgentView.of(a)).tag(Preconditions.etag(a.version)).build();
    }
}
