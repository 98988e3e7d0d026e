package io.companyagents.agents.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.companyagents.agents.domain.Project;
import io.companyagents.agents.rest.ProjectApi.CreateProject;
import io.companyagents.agents.rest.ProjectApi.ProjectView;
import io.companyagents.agents.rest.ProjectApi.UpdateProject;
import io.companyagents.agents.service.IdempotentCreate;
import io.companyagents.agents.service.ProjectService;
import io.companyagents.platform.paging.Page;
import io.companyagents.platform.paging.PageRequest;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.OptionalLong;
import java.util.UUID;

/**
 * Projects. {@code gitToken} is write-only: it is handed to secrets-service with the caller's
 * own credential and no answer ever carries it ({@code hasGitToken} says whether one is stored).
 */
@Path("/api/v1/companies/{companyId}/projects")
@Tag(name = "Projects")
public class ProjectResource {

    @Inject
    ProjectService projects;

    @Inject
    OrgAccess access;

    @Inject
    RequestBodies bodies;

    @Inject
    JsonWebToken jwt;

    @POST
    @Operation(summary = "Create a project (admin or board owner/operator); 503 if a gitToken is given and the secret "
            + "store is unreachable. Honours Idempotency-Key")
    public Uni<Response> createProject(@PathParam("companyId") UUID companyId,
                                       @HeaderParam(IdempotentCreate.HEADER) String idempotencyKey,
                                       @Valid @NotNull CreateProject body) {
        access.manage(companyId);
        return projects.create(companyId, body, idempotencyKey, jwt.getRawToken(), access.actorType(), access.actorId());
    }

    @GET
    @Operation(summary = "List the company's projects in creation order, optionally by team")
    public Uni<Page<ProjectView>> listProjects(@PathParam("companyId") UUID companyId, @QueryParam("teamId") UUID teamId,
                                       @QueryParam("limit") Integer limit, @QueryParam("cursor") String cursor) {
        access.read(companyId);
        PageRequest page = PageRequest.of(limit, cursor);
        return projects.list(companyId, teamId, page)
                .map(p -> new Page<>(p.items().stream().map(ProjectView::of).toList(), p.nextCursor()));
    }

    @GET
    @Path("{projectId}")
    @Operation(summary = "Get a project")
    public Uni<Response> getProject(@PathParam("companyId") UUID companyId, @PathParam("projectId") UUID projectId) {
        access.read(companyId);
        return projects.get(companyId, projectId).map(ProjectResource::ok);
    }

    @PATCH
    @Path("{projectId}")
    @Operation(summary = "Change a project (merge patch; If-Match required); gitToken replaces the token, null removes it")
    @RequestBody(content = @Content(schema = @Schema(implementation = UpdateProject.class)))
    public Uni<Response> updateProject(@PathParam("companyId") UUID companyId, @PathParam("projectId") UUID projectId,
                                @HeaderParam("If-Match") String ifMatch, ObjectNode body) throws JsonProcessingException {
        access.manage(companyId);
        OptionalLong expected = Preconditions.expectedVersion(ifMatch);
        Patch<UpdateProject> patch = bodies.patch(body, UpdateProject.class);
        return projects.update(companyId, projectId, expected, patch, jwt.getRawToken(), access.actorType(),
                access.actorId()).map(ProjectResource::ok);
    }

    private static Response ok(Project p) {
        return Response.ok(ProjectView.of(p)).tag(Preconditions.etag(p.version)).build();
    }
}
