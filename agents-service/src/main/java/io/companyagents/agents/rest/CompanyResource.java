package io.companyagents.agents.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.companyagents.agents.rest.CompanyApi.CompanyView;
import io.companyagents.agents.rest.CompanyApi.CreateCompany;
import io.companyagents.agents.rest.CompanyApi.UpdateCompany;
import io.companyagents.agents.service.CompanyService;
import io.companyagents.agents.service.IdempotentCreate;
import io.companyagents.platform.identity.Caller;
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

@Path("/api/v1/companies")
@Tag(name = "Companies")
public class CompanyResource {

    @Inject
    CompanyService companies;

    @Inject
    Caller caller;

    @Inject
    OrgAccess access;

    @Inject
    IdempotentCreate idempotent;

    @Inject
    RequestBodies bodies;

    @POST
    @Operation(summary = "Create a company (admin key only). Honours Idempotency-Key (keys for companies are "
            + "installation-wide)")
    public Uni<Response> create(@HeaderParam(IdempotentCreate.HEADER) String idempotencyKey,
                                @Valid @NotNull CreateCompany body) {
        caller.requireAdmin();
        String actorType = caller.actorType().name();
        String actorId = caller.actorId();
        return idempotent.create(IdempotentCreate.INSTALLATION, idempotencyKey, "/api/v1/companies", body,
                () -> companies.create(body, actorType, actorId).map(CompanyView::of));
    }

    @GET
    @Operation(summary = "List companies: every company for an admin, one's own for anyone else")
    public Uni<Page<CompanyView>> list(@QueryParam("limit") Integer limit, @QueryParam("cursor") String cursor) {
        PageRequest page = PageRequest.of(limit, cursor);
        UUID only = caller.isAdmin() ? null : caller.companyId().orElseThrow();
        return companies.list(page, only)
                .map(p -> new Page<>(p.items().stream().map(CompanyView::of).toList(), p.nextCursor()));
    }

    @GET
    @Path("{companyId}")
    @Operation(summary = "Get a company")
    public Uni<Response> get(@PathParam("companyId") UUID companyId) {
        caller.requireCompany(companyId);
        return companies.get(companyId)
                .map(c -> Response.ok(CompanyView.of(c)).tag(Preconditions.etag(c.version)).build());
    }

    @PATCH
    @Path("{companyId}")
    @Operation(summary = "Change a company (merge patch; If-Match with the ETag is required)")
    @RequestBody(content = @Content(schema = @Schema(implementation = UpdateCompany.class)))
    public Uni<Response> updateCompany(@PathParam("companyId") UUID companyId, @HeaderParam("If-Match") String ifMatch,
                                ObjectNode body) throws JsonProcessingException {
        access.manage(companyId);
        OptionalLong expected = Preconditions.expectedVersion(ifMatch);
        Patch<UpdateCompany> patch = bodies.patch(body, UpdateCompany.class);
        return companies.update(companyId, expected, patch, access.actorType(), access.actorId())
                .map(c -> Response.ok(CompanyView.of(c)).tag(Preconditions.etag(c.version)).build());
    }
}
