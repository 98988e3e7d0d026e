package io.companyagents.secrets.service;

import io.companyagents.platform.events.EventType;
import io.companyagents.platform.id.Ids;
import io.companyagents.platform.identity.ActorType;
import io.companyagents.platform.outbox.Outbox;
import io.companyagents.platform.paging.Page;
import io.companyagents.platform.paging.PageRequest;
import io.companyagents.platform.problem.ApiException;
import io.companyagents.secrets.crypto.AssociatedData;
import io.companyagents.secrets.crypto.DecryptionFailedException;
import io.companyagents.secrets.crypto.EnvelopeCrypto;
import io.companyagents.secrets.crypto.KeyEncryptionKeys;
import io.companyagents.secrets.crypto.SealedValue;
import io.companyagents.secrets.domain.Actor;
import io.companyagents.secrets.domain.Grant;
import io.companyagents.secrets.domain.Secret;
import io.companyagents.secrets.domain.SecretAccess;
import io.companyagents.secrets.domain.SecretKind;
import io.companyagents.secrets.repository.GrantRepository;
import io.companyagents.secrets.repository.SecretRepository;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Secrets and their values. Every change commits with its event (outbox); a value is sealed
 * before it reaches the database and opened only by {@link #reveal}, whose {@code secret.revealed}
 * event commits before the value leaves this class.
 */
@ApplicationScoped
public class SecretService {

    /** Names a person may not use: project git tokens are kept under them. */
    public static final String PROJECT_TOKEN_PREFIX = "project-tokens/";

    private static final Logger LOG = Logger.getLogger(SecretService.class);

    @Inject
    Pool pool;

    @Inject
    SecretRepository secrets;

    @Inject
    GrantRepository grants;

    @Inject
    Outbox outbox;

    @Inject
    EnvelopeCrypto crypto;

    @Inject
    KeyEncryptionKeys keks;

    /** A revealed value; its {@code toString} never shows it. */
    public record Revealed(String value, int version) {
        @Override
        public String toString() {
            return "Revealed[version=" + version + ", value=***]";
        }
    }

    /** A new secret with its first value sealed, ready to be stored by {@link #create}. */
    public record NewSecret(Secret secret, SealedValue sealed) {
    }

    /** Checks the name and seals the first value; nothing is stored yet. */
    public Uni<NewSecret> prepare(UUID companyId, String name, String description, String value) {
        if (name.startsWith(PROJECT_TOKEN_PREFIX)) {
            throw ApiException.validation("name", "names starting with " + PROJECT_TOKEN_PREFIX + " are reserved");
        }
        OffsetDateTime now = now();
        Secret secret = new Secret(Ids.newId(), companyId, name, description, SecretKind.secret, null, 1, now, now,
                null, null);
        return seal(secret, 1, value).map(sealed -> new NewSecret(secret, sealed));
    }

    /** Stores a prepared secret in the caller's transaction; 409 if a secret not destroyed holds the name. */
    public Uni<Secret> create(SqlClient tx, NewSecret prepared, Actor actor) {
        Secret secret = prepared.secret();
        return secrets.nameHolder(tx, secret.companyId(), secret.name()).chain(holder -> {
            if (holder != null) {
                throw ApiException.conflict("name_taken", holder.deleted()
                        ? "a deleted secret still holds the name '" + secret.name() + "'; destroy it to reuse the name"
                        : "a secret named '" + secret.name() + "' already exists");
            }
            return insertNew(tx, secret, prepared.sealed(), actor);
        });
    }

    public Uni<Page<Secret>> list(UUID companyId, PageRequest page, boolean includeDeleted, SecretKind kind) {
        return secrets.page(pool, companyId, page.afterId(), includeDeleted, kind, page.fetchSize())
                .map(rows -> page.page(rows, s -> s.id().toString()));
    }

    public Uni<Secret> get(UUID companyId, UUID id) {
        return secrets.find(pool, companyId, id).map(s -> found(s, id));
    }

    /** Stores a new value as the next version; older versions stay decryptable until the secret is destroyed. */
    public Uni<Secret> putValue(UUID companyId, UUID id, String value, Actor actor) {
        return pool.withTransaction(tx -> secrets.findForUpdate(tx, companyId, id)
                .chain(s -> addVersion(tx, live(found(s, id)), value, actor)));
    }

    /** Leaves a tombstone that keeps the name; values stay sealed until {@link #destroy}. */
    public Uni<Secret> delete(UUID companyId, UUID id, Actor actor) {
        return pool.withTransaction(tx -> secrets.findForUpdate(tx, companyId, id).chain(s -> {
            Secret current = found(s, id);
            if (current.deleted()) {
                return Uni.createFrom().item(current);
            }
            Secret deleted = current.asDeleted(now());
            return secrets.markDeleted(tx, id, deleted.deletedAt())
                    .chain(() -> outbox.append(tx, SecretEvents.changed(EventType.SECRET_DELETED, deleted, actor)))
                    .replaceWith(deleted);
        }));
    }

    /** Crypto-shredding: drops every version's wrapped data key and ciphertext; frees the name. */
    public Uni<Secret> destroy(UUID companyId, UUID id, Actor actor) {
        return pool.withTransaction(tx -> secrets.findForUpdate(tx, companyId, id)
                .chain(s -> destroyLocked(tx, found(s, id), actor)));
    }

    /**
     * Opens one version (the current one unless asked) for a board owner or an agent holding a
     * grant. The {@code secret.revealed} event is written in the same transaction; the value is
     * answered only once that transaction has committed, and not at all if it cannot.
     */
    public Uni<Revealed> reveal(UUID companyId, UUID id, Integer version, String reason, ActorType actorType,
                                String role, String actorId) {
        Actor actor = new Actor(actorType.name(), actorId);
        return pool.withTransaction(tx -> secrets.find(tx, companyId, id).chain(s -> {
            Secret secret = found(s, id);
            return holdsGrant(tx, id, actorType, actorId).chain(granted -> {
                if (!SecretAccess.mayReveal(actorType, role, granted)) {
                    throw ApiException.forbidden(actorType == ActorType.agent
                            ? "this agent holds no grant on secret " + id
                            : "only a board owner, or an agent holding a grant, may reveal a secret");
                }
                live(secret);
                int wanted = version == null ? secret.currentVersion() : version;
                return secrets.version(tx, id, wanted).chain(stored -> {
                    if (stored == null || stored.sealed() == null) {
                        throw ApiException.notFound("version " + wanted + " of secret " + id);
                    }
                    AssociatedData ad = new AssociatedData(companyId, id, wanted);
                    return outbox.append(tx, SecretEvents.revealed(secret, wanted, reason, actor))
                            .chain(() -> offload(() -> open(stored.sealed(), ad)))
                            .map(plaintext -> new Revealed(new String(plaintext, StandardCharsets.UTF_8), wanted));
                });
            });
        }));
    }

    public Uni<GrantRepository.Added> addGrant(UUID companyId, UUID id, UUID agentId, Actor actor) {
        return pool.withTransaction(tx -> secrets.findForUpdate(tx, companyId, id).chain(s -> {
            Secret secret = live(found(s, id));
            return grants.add(tx, companyId, id, agentId, now(), actor.type(), actor.id())
                    .call(added -> added.created()
                            ? outbox.append(tx, SecretEvents.grant(EventType.SECRET_GRANT_ADDED, secret, agentId, actor))
                            : Uni.createFrom().voidItem());
        }));
    }

    public Uni<Void> removeGrant(UUID companyId, UUID id, UUID agentId, Actor actor) {
        return pool.withTransaction(tx -> secrets.findForUpdate(tx, companyId, id).chain(s -> {
            Secret secret = found(s, id);
            return grants.remove(tx, id, agentId).chain(removed -> {
                if (!removed) {
                    throw ApiException.notFound("grant of secret " + id + " to agent " + agentId);
                }
                return outbox.append(tx, SecretEvents.grant(EventType.SECRET_GRANT_REMOVED, secret, agentId, actor))
                        .replaceWithVoid();
            });
        }));
    }

    public Uni<Page<Grant>> listGrants(UUID companyId, UUID id, PageRequest page) {
        return secrets.find(pool, companyId, id).chain(s -> {
            found(s, id);
            return grants.page(pool, id, page.afterId(), page.fetchSize())
                    .map(rows -> page.page(rows, g -> g.agentId().toString()));
        });
    }

    // --- pieces shared with ProjectTokenService, always inside the caller's transaction ---

    Uni<Secret> insertNew(SqlClient tx, Secret secret, SealedValue sealed, Actor actor) {
        return secrets.insert(tx, secret, actor.type(), actor.id())
                .chain(() -> secrets.insertVersion(tx, secret.companyId(), secret.id(), 1, sealed, secret.createdAt()))
                .chain(() -> outbox.append(tx, SecretEvents.changed(EventType.SECRET_CREATED, secret, actor)))
                .replaceWith(secret);
    }

    /** The secret's row must be locked by the caller, so two new values cannot take one version number. */
    Uni<Secret> addVersion(SqlClient tx, Secret locked, String value, Actor actor) {
        int next = locked.currentVersion() + 1;
        Secret updated = locked.withNewVersion(next, now());
        return seal(locked, next, value)
                .chain(sealed -> secrets.insertVersion(tx, locked.companyId(), locked.id(), next, sealed, updated.updatedAt()))
                .chain(() -> secrets.setCurrentVersion(tx, locked.id(), next, updated.updatedAt()))
                .chain(() -> outbox.append(tx, SecretEvents.changed(EventType.SECRET_VERSION_ADDED, updated, actor)))
                .replaceWith(updated);
    }

    Uni<Secret> destroyLocked(SqlClient tx, Secret locked, Actor actor) {
        if (locked.destroyed()) {
            return Uni.createFrom().item(locked);
        }
        Secret destroyed = locked.asDestroyed(now());
        return secrets.markDestroyed(tx, locked.id(), destroyed.destroyedAt())
                .chain(() -> grants.removeAll(tx, locked.id()))
                .chain(() -> outbox.append(tx, SecretEvents.changed(EventType.SECRET_DESTROYED, destroyed, actor)))
                .replaceWith(destroyed);
    }

    Uni<SealedValue> seal(Secret secret, int version, String value) {
        AssociatedData ad = new AssociatedData(secret.companyId(), secret.id(), version);
        return offload(() -> crypto.seal(keks.current(), value.getBytes(StandardCharsets.UTF_8), ad));
    }

    static Secret found(Secret s, UUID id) {
        if (s == null) {
            throw ApiException.notFound("secret " + id);
        }
        return s;
    }

    static Secret live(Secret s) {
        if (s.deleted()) {
            throw ApiException.conflict("secret_deleted", "secret " + s.id() + " is deleted");
        }
        return s;
    }

    static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
    }

    private byte[] open(SealedValue sealed, AssociatedData ad) {
        try {
            return crypto.open(keks.current(), sealed, ad);
        } catch (DecryptionFailedException e) {
            LOG.warnf("refusing to reveal: %s", e.getMessage());
            throw new ApiException(500, "decryption_failed", "Internal Server Error",
                    "secret " + ad.secretId() + " version " + ad.version()
                            + " cannot be decrypted: its stored ciphertext does not verify");
        }
    }

    private Uni<Boolean> holdsGrant(SqlClient tx, UUID secretId, ActorType actorType, String actorId) {
        if (actorType != ActorType.agent) {
            return Uni.createFrom().item(false);
        }
        UUID agentId;
        try {
            agentId = UUID.fromString(actorId);
        } catch (IllegalArgumentException | NullPointerException e) {
            return Uni.createFrom().item(false);
        }
        return grants.find(tx, secretId, agentId).map(g -> g != null);
    }

    /** Crypto and KEK calls (Vault is blocking HTTP) run on a worker thread, never on the event loop. */
    static <T> Uni<T> offload(Supplier<T> work) {
        return Uni.createFrom().item(work).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }
}
