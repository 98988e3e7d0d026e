package io.companyagents.agents.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.companyagents.agents.rest.TeamApi.CreateTeam;
import io.companyagents.agents.rest.TeamApi.TeamView;
import io.companyagents.agents.rest.TeamApi.UpdateTeam;
import io.companyagents.agents.service.IdempotentCreate;
import io.companyagents.agents.service.TeamService;
import io.companyagents.platform.paging.Page;
import io.companyagents.platform.paging.PageRequest;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.OptionalLong;
import java.util.UUID;

@Path("/api/v1/companies/{companyId}/teams")
@Tag(name = "Teams")
public class TeamResource {

    @Inject
    TeamService teams;

    @Inject
    OrgAccess access;

    @Inject
    IdempotentCreate idempotent;

    @Inject
    RequestBodies bodies;

    @POST
    @Operation(summary = "Create a team (admin or board owner/operator). Honours Idempotency-Key")
    public Uni<Response> createTeam(@PathParam("companyId") UUID companyId,
                                    @HeaderParam(IdempotentCreate.HEADER) String idempotencyKey,
                                    @Valid @NotNull CreateTeam body) {
        access.manage(companyId);
        String actorType = access.actorType();
        String actorId = access.actorId();
        return idempotent.create(companyId, idempotencyKey, "/api/v1/companies/" + companyId + "/teams", body,
                () -> teams.create(companyId, body, actorType, actorId).map(TeamView::of));
    }

    @GET
    @Operation(summary = "List the company's teams in creation order")
    public Uni<Page<TeamView>> listTeams(@PathParam("companyId") UUID companyId, @QueryParam("limit") Integer limit,
                                    @QueryParam("cursor") String cursor) {
        access.read(companyId);
        PageRequest page = PageRequest.of(limit, cursor);
        return teams.list(companyId, page)
                .map(p -> new Page<>(p.items().stream().map(TeamView::of).toList(), p.nextCursor()));
    }

    @GET
    @Path("{teamId}")
    @Operation(summary = "Get a team")
    public Uni<Response> getTeam(@PathParam("companyId") UUID companyId, @PathParam("teamId") UUID teamId) {
        access.read(companyId);
        return teams.get(companyId, teamId)
                .map(t -> Response.ok(TeamView.of(t)).tag(Preconditions.etag(t.version)).build());
    }

    @PATCH
    @Path("{teamId}")
    @Operation(summary = "Change a team (merge patch; If-Match with the ETag is required)")
    @RequestBody(content = @Content(schema = @Schema(implementation = UpdateTeam.class)))
    public Uni<Response> updateTeam(@PathParam("companyId") UUID companyId, @PathParam("teamId") UUID teamId,
                                @HeaderParam("If-Match") String ifMatch, ObjectNode body) throws JsonProcessingException {
        access.manage(companyId);
        OptionalLong expected = Preconditions.expectedVersion(ifMatch);
        Patch<UpdateTeam> patch = bodies.patch(body, UpdateTeam.class);
        return teams.update(companyId, teamId, expected, patch, access.actorType(), access.actorId())
                .map(t -> Response.ok(TeamView.of(t)).tag(Preconditions.etag(t.version)).build());
    }

    @DELETE
    @Path("{teamId}")
    @Operation(summary = "Delete a team; refused (409 team_not_empty) while agents are in it. If-Match is optional")
    public Uni<Response> deleteTeam(@PathParam("companyId") UUID companyId, @PathParam("teamId") UUID teamId,
                                @HeaderParam("If-Match") String ifMatch) {
        access.manage(companyId);
        OptionalLong expected = ifMatch == null ? OptionalLong.empty() : Preconditions.expectedVersion(ifMatch);
        return teams.delete(companyId, teamId, expected, access.actorType(), access.actorId())
                .replaceWith(Response.noContent().build());
    }
}
