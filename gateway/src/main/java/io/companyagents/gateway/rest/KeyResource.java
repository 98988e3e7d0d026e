package io.companyagents.gateway.rest;

import io.companyagents.gateway.auth.ApiKeys;
import io.companyagents.gateway.auth.Identity;
import io.companyagents.gateway.auth.KeyStore;
import io.companyagents.gateway.routing.GatewayRouter;
import io.companyagents.platform.id.Ids;
import io.companyagents.platform.paging.Page;
import io.companyagents.platform.paging.PageRequest;
import io.companyagents.platform.paging.Where;
import io.companyagents.platform.problem.ApiException;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** API keys: board keys (admin issues), agent keys (board owner/operator issues), listing and revocation. */
@Path("/api/v1")
@Tag(name = "Keys and identity")
public class KeyResource {

    @Inject
    Pool pool;

    @Inject
    KeyStore keys;

    public record CreateBoardKey(@NotNull @Pattern(regexp = "board", message = "only board keys are issued here") String kind,
                                 @NotNull UUID companyId,
                                 @NotNull @Pattern(regexp = "owner|operator|viewer", message = "owner, operator or viewer") String role,
                                 @Size(max = 200) String name,
                                 @jakarta.validation.constraints.Future OffsetDateTime expiresAt) {
    }

    public record CreateAgentKey(@Size(max = 200) String name,
                                 @jakarta.validation.constraints.Future OffsetDateTime expiresAt) {
    }

    /** Returned once at creation: the only time the key itself is shown. */
    public record IssuedKey(UUID id, String key, String prefix, String kind, UUID companyId, UUID agentId, String role,
                            String name, OffsetDateTime expiresAt) {
    }

    public record KeyView(UUID id, String prefix, String kind, UUID companyId, UUID agentId, String role, String name,
                          OffsetDateTime createdAt, OffsetDateTime expiresAt, OffsetDateTime revokedAt) {
    }

    @POST
    @Path("keys")
    @Operation(summary = "Issue a board key for a company (admin)")
    public Uni<Response> createBoardKey(RoutingContext ctx, @Valid @NotNull CreateBoardKey body) {
        Identity caller = ctx.get(GatewayRouter.IDENTITY);
        if (!"admin".equals(caller.actorType())) {
            throw ApiException.forbidden("only an admin key issues board keys");
        }
        return issue("board", body.companyId(), null, body.role(), body.name(), body.expiresAt(), caller);
    }

    @POST
    @Path("companies/{companyId}/agents/{agentId}/keys")
    @Operation(summary = "Issue an agent key: it acts as that agent only (board owner/operator)")
    public Uni<Response> createAgentKey(RoutingContext ctx, @PathParam("companyId") UUID companyId,
                                        @PathParam("agentId") UUID agentId, @Valid CreateAgentKey body) {
        Identity caller = ctx.get(GatewayRouter.IDENTITY);
        requireBoardWriter(caller, companyId);
        return issue("agent", companyId, agentId, "agent", body == null ? null : body.name(),
                body == null ? null : body.expiresAt(), caller);
    }

    @GET
    @Path("companies/{companyId}/keys")
    @Operation(summary = "List a company's keys: metadata only, never a key or its hash")
    public Uni<Page<KeyView>> list(RoutingContext ctx, @PathParam("companyId") UUID companyId,
                                   @QueryParam("limit") Integer limit, @QueryParam("cursor") String cursor) {
        Identity caller = ctx.get(GatewayRouter.IDENTITY);
        if (!"admin".equals(caller.actorType()) && !("board".equals(caller.actorType()) && companyId.equals(caller.companyId()))) {
            throw ApiException.notFound("company " + companyId);
        }
        PageRequest page = PageRequest.of(limit, cursor);
        Where where = new Where("company_id = ", companyId).and("id > ", page.afterId());
        String pageSize = where.param(page.fetchSize());
        return pool.preparedQuery("select id, prefix, kind, company_id, agent_id, role, name, created_at, expires_at, revoked_at from api_keys"
                        + " where " + where.sql() + " order by id limit " + pageSize)
                .execute(where.tuple())
                .map(rows -> {
                    List<KeyView> out = new ArrayList<>();
                    for (Row r : rows) {
                        out.add(new KeyView(r.getUUID("id"), r.getString("prefix"), r.getString("kind"), r.getUUID("company_id"),
                                r.getUUID("agent_id"), r.getString("role"), r.getString("name"),
                                r.getOffsetDateTime("created_at"), r.getOffsetDateTime("expires_at"), r.getOffsetDateTime("revoked_at")));
                    }
                    return page.page(out, k -> k.id().toString());
                });
    }

    @DELETE
    @Path("keys/{keyId}")
    @Operation(summary = "Revoke a key at once (admin, or a board owner for the company's keys)")
    public Uni<Response> revoke(RoutingContext ctx, @PathParam("keyId") UUID keyId) {
        Identity caller = ctx.get(GatewayRouter.IDENTITY);
        boolean admin = "admin".equals(caller.actorType());
        boolean owner = "board".equals(caller.actorType()) && "owner".equals(caller.role());
        if (!admin && !owner) {
            throw ApiException.forbidden("only an admin or a board owner revokes keys");
        }
        return pool.preparedQuery("update api_keys set revoked_at = coalesce(revoked_at, now()) where id = $1"
                        + " and ($2::uuid is null or company_id = $2) returning key_hash")
                .execute(Tuple.of(keyId, admin ? null : caller.companyId()))
                .map(rows -> {
                    if (rows.size() == 0) {
                        throw ApiException.notFound("key " + keyId);
                    }
                    keys.forget(rows.iterator().next().getString("key_hash"));
                    return Response.noContent().build();
                });
    }

    private Uni<Response> issue(String kind, UUID companyId, UUID agentId, String role, String name, OffsetDateTime expiresAt,
                                Identity caller) {
        String key = ApiKeys.generate(kind);
        UUID id = Ids.newId();
        String label = name == null || name.isBlank() ? kind + " key" : name.trim();
        return pool.withTransaction(tx -> keys.insert(tx, id, kind, companyId, agentId, role, label, key,
                                caller.actorType() + ":" + caller.actorId())
                        .call(() -> expiresAt == null ? Uni.createFrom().voidItem()
                                : tx.preparedQuery("update api_keys set expires_at = $2 where id = $1")
                                .execute(Tuple.of(id, expiresAt)).replaceWithVoid()))
                .map(ignored -> Response.status(201)
                        .entity(new IssuedKey(id, key, ApiKeys.prefix(key), kind, companyId, agentId, role, label, expiresAt)).build());
    }

    private static void requireBoardWriter(Identity caller, UUID companyId) {
        if ("admin".equals(caller.actorType())) {
            return;
        }
        if (!"board".equals(caller.actorType()) || !companyId.equals(caller.companyId())) {
            if ("board".equals(caller.actorType())) {
                throw ApiException.notFound("company " + companyId);
            }
            throw ApiException.forbidden("only a board owner or operator issues agent keys");
        }
        if ("viewer".equals(caller.role())) {
            throw ApiException.forbidden("a viewer key is read-only");
        }
    }
}
