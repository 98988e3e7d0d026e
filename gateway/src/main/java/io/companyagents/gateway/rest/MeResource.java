package io.companyagents.gateway.rest;

import io.companyagents.gateway.auth.Identity;
import io.companyagents.gateway.routing.GatewayRouter;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;
import java.util.UUID;

@Path("/api/v1/me")
@Tag(name = "Keys and identity")
public class MeResource {

    public record Me(String actorType, String actorId, UUID companyId, String role, List<String> scopes) {
    }

    @GET
    @Operation(summary = "Who the presented API key acts as")
    public Me me(RoutingContext ctx) {
        Identity identity = ctx.get(GatewayRouter.IDENTITY);
        return new Me(identity.actorType(), identity.actorId(), identity.companyId(), identity.role(), identity.scopes());
    }
}
