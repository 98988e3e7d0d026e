package io.companyagents.agents.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.companyagents.agents.domain.Integration;
import io.companyagents.agents.domain.IntegrationStatus;
import io.companyagents.agents.rest.IntegrationApi.CreateIntegration;
import io.companyagents.agents.rest.IntegrationApi.IntegrationView;
import io.companyagents.agents.rest.IntegrationApi.UpdateIntegration;
import io.companyagents.agents.service.IdempotentCreate;
import io.companyagents.agents.service.IntegrationService;
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
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.OptionalLong;
import java.util.UUID;

/** Integrations: the board (owner/operator) and admins manage them and run their syncs; anyone of the company reads. */
@Path("/api/v1/companies/{companyId}/integrations")
@Tag(name = "Integrations")
public class IntegrationResource {

    @Inject
    IntegrationService integrations;

    @Inject
    OrgAccess access;

    @Inject
    IdempotentCreate idempotent;

    @Inject
    RequestBodies bodies;

    @POST
    @Operation(summary = "Create an integration (admin or board owner/operator). Honours Idempotency-Key")
    public Uni<Response> createIntegration(@PathParam("companyId") UUID companyId,
                                           @HeaderParam(IdempotentCreate.HEADER) String idempotencyKey,
                                           @Valid @NotNull CreateIntegration body) {
        access.manage(companyId);
        String actorType = access.actorType();
        String actorId = access.actorId();
        return idempotent.create(companyId, idempotencyKey, "/api/v1/companies/" + companyId + "/integrations", body,
                () -> integrations.create(companyId, body, actorType, actorId).map(IntegrationView::of));
    }

    @GET
    @Operation(summary = "List the company's integrations in creation order, optionally by kind and status")
    public Uni<Page<IntegrationView>> listIntegrations(@PathParam("companyId") UUID companyId,
                                                       @QueryParam("kind") String kind, @QueryParam("status") String status,
                                                       @QueryParam("limit") Integer limit, @QueryParam("cursor") String cursor) {
        access.read(companyId);
        PageRequest page = PageRequest.of(limit, cursor);
        return integrations.list(companyId, Filters.text(kind), Filters.oneOf("status", status, IntegrationStatus.class), page)
                .map(p -> new Page<>(p.items().stream().map(IntegrationView::of).toList(), p.nextCursor()));
    }

    @GET
    @Path("{integrationId}")
    @Operation(summary = "Get an integration; its ETag is the version a sync must name to move the cursor")
    public Uni<Response> getIntegration(@PathParam("companyId") UUID companyId,
                                        @PathParam("integrationId") UUID integrationId) {
        access.read(companyId);
        return integrations.get(companyId, integrationId).map(IntegrationResource::ok);
    }

    @PATCH
    @Path("{integrationId}")
    @Operation(summary = "Change an integration or move its sync cursor (merge patch; If-Match with the ETag is "
            + "required, 412 when another change came first)")
    @RequestBody(content = @Content(schema = @Schema(implementation = UpdateIntegration.class)))
    public Uni<Response> updateIntegration(@PathParam("companyId") UUID companyId,
                                           @PathParam("integrationId") UUID integrationId,
                                           @HeaderParam("If-Match") String ifMatch, ObjectNode body)
            throws JsonProcessingException {
        access.manage(companyId);
        OptionalLong expected = Preconditions.expectedVersion(ifMatch);
        Patch<UpdateIntegration> patch = bodies.patch(body, UpdateIntegration.class);
        return integrations.update(companyId, integrationId, expected, patch, access.actorType(), access.actorId())
                .map(IntegrationResource::ok);
    }

    private static Response ok(Integration i) {
        return Response.ok(IntegrationView.of(i)).tag(Preconditions.etag(i.version)).build();
    }
}
