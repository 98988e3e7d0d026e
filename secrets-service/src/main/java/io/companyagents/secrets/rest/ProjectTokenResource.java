package io.companyagents.secrets.rest;

import io.companyagents.platform.identity.Caller;
import io.companyagents.secrets.rest.SecretApi.ProjectTokenRequest;
import io.companyagents.secrets.rest.SecretApi.ProjectTokenView;
import io.companyagents.secrets.service.Access;
import io.companyagents.secrets.service.ProjectTokenService;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.UUID;

/**
 * For agents-service only: it forwards the caller's internal token, so the same company and
 * role checks apply. The gateway never routes {@code /internal}.
 */
@Path("/internal/v1/companies/{companyId}/project-tokens/{projectId}")
@Tag(name = "Internal: project tokens",
        description = "Called by agents-service with the caller's internal JWT to keep a project's git token; not routed by the gateway. No response carries the token.")
public class ProjectTokenResource {

    @Inject
    ProjectTokenService tokens;

    @Inject
    Caller caller;

    @PUT
    @Operation(summary = "Store or replace a project's git token (admin, board owner or operator)",
            description = "Kept as a secret of kind project_token named project-tokens/{projectId}; a replacement is a new version.")
    public Uni<ProjectTokenView> put(@PathParam("companyId") UUID companyId, @PathParam("projectId") UUID projectId,
                                     @Valid @NotNull ProjectTokenRequest body) {
        Access.requireManage(caller, companyId);
        return tokens.put(companyId, projectId, body.token(), Access.actor(caller))
                .map(s -> ProjectTokenView.of(projectId, s));
    }

    @GET
    @Operation(summary = "Whether the project has a git token (hasGitToken)")
    public Uni<ProjectTokenView> get(@PathParam("companyId") UUID companyId, @PathParam("projectId") UUID projectId) {
        Access.requireRead(caller, companyId);
        return tokens.find(companyId, projectId).map(s -> ProjectTokenView.of(projectId, s));
    }

    @DELETE
    @Operation(summary = "Destroy the project's git token (crypto-shredding); 204 whether or not there was one")
    public Uni<Response> delete(@PathParam("companyId") UUID companyId, @PathParam("projectId") UUID projectId) {
        Access.requireManage(caller, companyId);
        return tokens.remove(companyId, projectId, Access.actor(caller)).map(v -> Response.noContent().build());
    }
}
