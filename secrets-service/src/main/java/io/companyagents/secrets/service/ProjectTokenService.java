package io.companyagents.secrets.service;

import io.companyagents.platform.id.Ids;
import io.companyagents.secrets.domain.Actor;
import io.companyagents.secrets.domain.Secret;
import io.companyagents.secrets.domain.SecretKind;
import io.companyagents.secrets.repository.SecretRepository;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * A project's git token, stored for agents-service as an ordinary secret of kind
 * {@code project_token} named {@code project-tokens/<projectId>}: same envelope encryption,
 * rotation, events and reveal rules as any secret. Removing it destroys it outright.
 */
@ApplicationScoped
public class ProjectTokenService {

    @Inject
    Pool pool;

    @Inject
    SecretRepository secrets;

    @Inject
    SecretService secretService;

    /** Stores the token: a new secret the first time, a new version after that. */
    public Uni<Secret> put(UUID companyId, UUID projectId, String token, Actor actor) {
        return pool.withTransaction(tx -> secrets.findProjectToken(tx, companyId, projectId, true).chain(existing -> {
            if (existing != null && !existing.deleted()) {
                return secretService.addVersion(tx, existing, token, actor);
            }
            Uni<?> clearTombstone = existing == null ? Uni.createFrom().voidItem()
                    : secretService.destroyLocked(tx, existing, actor);
            return clearTombstone.chain(() -> create(tx, companyId, projectId, token, actor));
        }));
    }

    /** The live token's secret, or null. */
    public Uni<Secret> find(UUID companyId, UUID projectId) {
        return secrets.findProjectToken(pool, companyId, projectId, false).map(s -> s == null || s.deleted() ? null : s);
    }

    /** Destroys the token (crypto-shredding); nothing to do if there is none. */
    public Uni<Void> remove(UUID companyId, UUID projectId, Actor actor) {
        return pool.withTransaction(tx -> secrets.findProjectToken(tx, companyId, projectId, true)
                .chain(existing -> existing == null ? Uni.createFrom().voidItem()
                        : secretService.destroyLocked(tx, existing, actor).replaceWithVoid()));
    }

    private Uni<Secret> create(SqlClient tx, UUID companyId, UUID projectId, String token, Actor actor) {
        OffsetDateTime now = SecretService.now();
        Secret secret = new Secret(Ids.newId(), companyId, SecretService.PROJECT_TOKEN_PREFIX + projectId,
                "git token of project " + projectId, SecretKind.project_token, projectId, 1, now, now, null, null);
        return secretService.seal(secret, 1, token).chain(sealed -> secretService.insertNew(tx, secret, sealed, actor));
    }
}
