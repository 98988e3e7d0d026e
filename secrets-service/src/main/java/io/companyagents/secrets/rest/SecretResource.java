package io.companyagents.secrets.rest;

import io.companyagents.platform.idempotency.Idempotency;
import io.companyagents.platform.identity.Caller;
import io.companyagents.platform.paging.Page;
import io.companyagents.platform.paging.PageRequest;
import io.companyagents.platform.problem.ApiException;
import io.companyagents.secrets.domain.Actor;
import io.companyagents.secrets.domain.SecretKind;
import io.companyagents.secrets.rest.SecretApi.CreateSecret;
import io.companyagents.secrets.rest.SecretApi.GrantRequest;
import io.companyagents.secrets.rest.SecretApi.GrantView;
import io.companyagents.secrets.rest.SecretApi.NewValue;
import io.companyagents.secrets.rest.SecretApi.RevealRequest;
import io.companyagents.secrets.rest.SecretApi.RevealedValue;
import io.companyagents.secrets.rest.SecretApi.SecretView;
import io.companyagents.secrets.service.Access;
import io.companyagents.secrets.service.SecretService;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.net.URI;
import java.util.UUID;

@Path("/api/v1/companies/{companyId}/secrets")
@Tag(name = "Secrets", description = "Envelope-encrypted secrets: metadata for anyone of the company, values only through reveal")
public class SecretResource {

    private static final CacheControl NO_STORE;

    static {
        NO_STORE = new CacheControl();
        NO_STORE.setNoStore(true);
        NO_STORE.setNoCache(true);
    }

    @Inject
    SecretService secrets;

    @Inject
    Idempotency idempotency;

    @Inject
    Caller caller;

    @POST
    @Operation(summary = "Store a new secret (admin, board owner or operator)",
            description = "Answers the metadata, never the value. The name is unique per company among secrets not destroyed (a deleted secret's tombstone keeps it). "
                    + "With an Idempotency-Key, a retry with the same name and description answers the first response again; "
                    + "the value is left out of that comparison so that no digest of it is stored.")
    public Uni<Response> create(@PathParam("companyId") UUID companyId,
                                @HeaderParam(Idempotency.HEADER) String idempotencyKey,
                                @Valid @NotNull CreateSecret body) {
        Access.requireManage(caller, companyId);
        Actor actor = Access.actor(caller);
        String path = "/api/v1/companies/" + companyId + "/secrets";
        return secrets.prepare(companyId, body.name(), body.description(), body.value())
                .chain(prepared -> idempotency.create(companyId, idempotencyKey, "POST", path, body.fingerprint(),
                        tx -> secrets.create(tx, prepared, actor)
                                .map(s -> new Idempotency.Created(201, SecretView.of(s)))))
                .map(response -> response.getEntity() instanceof SecretView view
                        ? Response.fromResponse(response).location(URI.create(path + "/" + view.id())).build()
                        : response);
    }

    @GET
    @Operation(summary = "List the company's secrets (metadata only), in creation order",
            description = "Deleted and destroyed secrets only with includeDeleted=true; kind filters by secret or project_token.")
    public Uni<Page<SecretView>> list(@PathParam("companyId") UUID companyId, @QueryParam("limit") Integer limit,
                                      @QueryParam("cursor") String cursor,
                                      @QueryParam("includeDeleted") boolean includeDeleted,
                                      @QueryParam("kind") String kind) {
        Access.requireRead(caller, companyId);
        PageRequest page = PageRequest.of(limit, cursor);
        return secrets.list(companyId, page, includeDeleted, kindOf(kind))
                .map(p -> new Page<>(p.items().stream().map(SecretView::of).toList(), p.nextCursor()));
    }

    @GET
    @Path("{secretId}")
    @Operation(summary = "Get a secret's metadata")
    public Uni<SecretView> get(@PathParam("companyId") UUID companyId, @PathParam("secretId") UUID secretId) {
        Access.requireRead(caller, companyId);
        return secrets.get(companyId, secretId).map(SecretView::of);
    }

    @PUT
    @Path("{secretId}/value")
    @Operation(summary = "Store a new value as the next version",
            description = "Older versions stay decryptable (reveal with a version) until the secret is destroyed.")
    public Uni<SecretView> putValue(@PathParam("companyId") UUID companyId, @PathParam("secretId") UUID secretId,
                                    @Valid @NotNull NewValue body) {
        Access.requireManage(caller, companyId);
        return secrets.putValue(companyId, secretId, body.value(), Access.actor(caller)).map(SecretView::of);
    }

    @DELETE
    @Path("{secretId}")
    @Operation(summary = "Delete a secret, leaving a tombstone",
            description = "The tombstone keeps the name and the sealed values until the secret is destroyed.")
    public Uni<Response> delete(@PathParam("companyId") UUID companyId, @PathParam("secretId") UUID secretId) {
        Access.requireManage(caller, companyId);
        return secrets.delete(companyId, secretId, Access.actor(caller)).map(s -> Response.noContent().build());
    }

    @POST
    @Path("{secretId}/destroy")
    @Operation(summary = "Destroy a secret for good (admin or board owner)",
            description = "Crypto-shredding: every version's wrapped data key and ciphertext are dropped, grants removed, and the name freed.")
    public Uni<SecretView> destroy(@PathParam("companyId") UUID companyId, @PathParam("secretId") UUID secretId) {
        Access.requireDestroy(caller, companyId);
        return secrets.destroy(companyId, secretId, Access.actor(caller)).map(SecretView::of);
    }

    @POST
    @Path("{secretId}/reveal")
    @Operation(summary = "Reveal a value (board owner, or an agent holding a grant)",
            description = "The secret.revealed event is committed before the value is answered; if it cannot be, no value is answered.")
    public Uni<Response> reveal(@PathParam("companyId") UUID companyId, @PathParam("secretId") UUID secretId,
                                @Valid @NotNull RevealRequest body) {
        caller.requireCompany(companyId);
        return secrets.reveal(companyId, secretId, body.version(), body.reason(), caller.actorType(), caller.role(),
                        caller.actorId())
                .map(r -> Response.ok(new RevealedValue(r.value(), r.version())).cacheControl(NO_STORE).build());
    }

    @GET
    @Path("{secretId}/grants")
    @Operation(summary = "List the agents that may reveal this secret")
    public Uni<Page<GrantView>> grants(@PathParam("companyId") UUID companyId, @PathParam("secretId") UUID secretId,
                                       @QueryParam("limit") Integer limit, @QueryParam("cursor") String cursor) {
        Access.requireRead(caller, companyId);
        PageRequest page = PageRequest.of(limit, cursor);
        return secrets.listGrants(companyId, secretId, page)
                .map(p -> new Page<>(p.items().stream().map(GrantView::of).toList(), p.nextCursor()));
    }

    @POST
    @Path("{secretId}/grants")
    @Operation(summary = "Let an agent reveal this secret (admin, board owner or operator)",
            description = "201 when the grant is new, 200 when the agent held it already.")
    public Uni<Response> grant(@PathParam("companyId") UUID companyId, @PathParam("secretId") UUID secretId,
                               @Valid @NotNull GrantRequest body) {
        Access.requireManage(caller, companyId);
        return secrets.addGrant(companyId, secretId, body.agentId(), Access.actor(caller))
                .map(added -> Response.status(added.created() ? 201 : 200).entity(GrantView.of(added)).build());
    }

    @DELETE
    @Path("{secretId}/grants/{agentId}")
    @Operation(summary = "Take an agent's grant away")
    public Uni<Response> revoke(@PathParam("companyId") UUID companyId, @PathParam("secretId") UUID secretId,
                                @PathParam("agentId") UUID agentId) {
        Access.requireManage(caller, companyId);
        return secrets.removeGrant(companyId, secretId, agentId, Access.actor(caller))
                .map(v -> Response.noContent().build());
    }

    private static SecretKind kindOf(String kind) {
        if (kind == null || kind.isBlank()) {
            return null;
        }
        try {
            return SecretKind.valueOf(kind);
        } catch (IllegalArgumentException e) {
            throw ApiException.validation("kind", "one of secret, project_token");
        }
    }
}
