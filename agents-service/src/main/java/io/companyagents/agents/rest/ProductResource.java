package io.companyagents.agents.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.companyagents.agents.domain.Product;
import io.companyagents.agents.rest.ProductApi.CreateProduct;
import io.companyagents.agents.rest.ProductApi.ProductView;
import io.companyagents.agents.rest.ProductApi.UpdateProduct;
import io.companyagents.agents.service.IdempotentCreate;
import io.companyagents.agents.service.ProductService;
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

/** Products and the project each team builds them in: the board (owner/operator) manages, anyone of the company reads. */
@Path("/api/v1/companies/{companyId}/products")
@Tag(name = "Products")
public class ProductResource {

    @Inject
    ProductService products;

    @Inject
    OrgAccess access;

    @Inject
    IdempotentCreate idempotent;

    @Inject
    RequestBodies bodies;

    @POST
    @Operation(summary = "Create a product with its team → project map (admin or board owner/operator). "
            + "Honours Idempotency-Key")
    public Uni<Response> createProduct(@PathParam("companyId") UUID companyId,
                                       @HeaderParam(IdempotentCreate.HEADER) String idempotencyKey,
                                       @Valid @NotNull CreateProduct body) {
        access.manage(companyId);
        String actorType = access.actorType();
        String actorId = access.actorId();
        return idempotent.create(companyId, idempotencyKey, "/api/v1/companies/" + companyId + "/products", body,
                () -> products.create(companyId, body, actorType, actorId).map(ProductView::of));
    }

    @GET
    @Operation(summary = "List the company's products in creation order")
    public Uni<Page<ProductView>> listProducts(@PathParam("companyId") UUID companyId, @QueryParam("limit") Integer limit,
                                               @QueryParam("cursor") String cursor) {
        access.read(companyId);
        PageRequest page = PageRequest.of(limit, cursor);
        return products.list(companyId, page)
                .map(p -> new Page<>(p.items().stream().map(ProductView::of).toList(), p.nextCursor()));
    }

    @GET
    @Path("{productId}")
    @Operation(summary = "Get a product")
    public Uni<Response> getProduct(@PathParam("companyId") UUID companyId, @PathParam("productId") UUID productId) {
        access.read(companyId);
        return products.get(companyId, productId).map(ProductResource::ok);
    }

    @PATCH
    @Path("{productId}")
    @Operation(summary = "Change a product (merge patch into the project map too: a team → null takes it out; "
            + "If-Match with the ETag is required)")
    @RequestBody(content = @Content(schema = @Schema(implementation = UpdateProduct.class)))
    public Uni<Response> updateProduct(@PathParam("companyId") UUID companyId, @PathParam("productId") UUID productId,
                                       @HeaderParam("If-Match") String ifMatch, ObjectNode body)
            throws JsonProcessingException {
        access.manage(companyId);
        OptionalLong expected = Preconditions.expectedVersion(ifMatch);
        Patch<UpdateProduct> patch = bodies.patch(body, UpdateProduct.class);
        return products.update(companyId, productId, expected, patch, access.actorType(), access.actorId())
                .map(ProductResource::ok);
    }

    private static Response ok(Product p) {
        return Response.ok(ProductView.of(p)).tag(Preconditions.etag(p.version)).build();
    }
}
