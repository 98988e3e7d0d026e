package io.companyagents.secrets.service;

import io.companyagents.platform.events.EventType;
import io.companyagents.platform.id.Ids;
import io.companyagents.platform.outbox.Outbox;
import io.companyagents.platform.problem.ApiException;
import io.companyagents.secrets.crypto.KeyEncryptionKey;
import io.companyagents.secrets.crypto.KeyEncryptionKeys;
import io.companyagents.secrets.domain.Actor;
import io.companyagents.secrets.domain.KeyRotation;
import io.companyagents.secrets.repository.KeyRepository;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Starts KEK rotations and reports their progress. A rotation adds a KEK version (persisted
 * with the key material first), makes it primary, records the metadata and the rotation with
 * its {@code kek_rotation.started} event in one transaction, and hands the re-wrapping to
 * {@link KeyRotationWorker}.
 */
@ApplicationScoped
public class KeyRotationService {

    @Inject
    Pool pool;

    @Inject
    KeyRepository keys;

    @Inject
    KeyEncryptionKeys keks;

    @Inject
    Outbox outbox;

    @Inject
    KeyRotationWorker worker;

    private final AtomicBoolean starting = new AtomicBoolean();

    /** The KEK's versions (metadata only) and the latest rotation with its progress. */
    public record KeyStatus(String provider, int primaryVersion, List<Integer> versions, KeyRotation rotation,
                            long remaining) {
    }

    public Uni<KeyStatus> status() {
        KeyEncryptionKey kek = keks.current();
        return keys.latest(pool).chain(rotation -> keys.versions(pool)
                .chain(versions -> SecretService.offload(() -> kek.primary().version())
                        .chain(primary -> (rotation == null ? Uni.createFrom().item(0L)
                                : keys.countBelow(pool, rotation.toVersion()))
                                .map(remaining -> new KeyStatus(kek.provider(), primary, versions, rotation, remaining)))));
    }

    public Uni<KeyStatus> rotate(Actor actor) {
        KeyEncryptionKey kek = keks.current();
        if (!kek.rotatable()) {
            throw ApiException.conflict("kek_not_rotatable", "the key-encryption key comes from " + kek.source()
                    + ", which this service cannot change; put a keyset with the new version there and restart");
        }
        if (!starting.compareAndSet(false, true)) {
            throw ApiException.conflict("rotation_in_progress", "a key rotation is being started");
        }
        return keys.running(pool, false)
                .chain(running -> {
                    if (running != null) {
                        throw ApiException.conflict("rotation_in_progress", "key rotation " + running.id()
                                + " to version " + running.toVersion() + " is still running");
                    }
                    return keys.versions(pool);
                })
                .chain(recorded -> SecretService.offload(() -> {
                    int from = kek.primary().version();
                    int highest = recorded.isEmpty() ? from : Math.max(from, recorded.get(recorded.size() - 1));
                    return new int[] {from, kek.rotate(highest + 1)};
                }))
                .chain(fromTo -> record(kek, fromTo[0], fromTo[1], actor)
                        .onFailure().call(() -> SecretService.offload(() -> {
                            kek.usePrimary(fromTo[0]);
                            return null;
                        })))
                .invoke(worker::resumeUnfinished)
                .eventually(() -> starting.set(false))
                .chain(this::status);
    }

    private Uni<KeyRotation> record(KeyEncryptionKey kek, int from, int to, Actor actor) {
        OffsetDateTime now = SecretService.now();
        return pool.withTransaction(tx -> keys.recordVersions(tx, kek.provider(), kek.versions(), to)
                .chain(() -> keys.countBelow(tx, to))
                .chain(total -> {
                    KeyRotation rotation = new KeyRotation(Ids.newId(), kek.provider(), from, to, KeyRotation.RUNNING,
                            total, 0, 0, 1, null, null, 0, null, actor.type() + ":" + actor.id(), now, now, null);
                    return keys.insertRotation(tx, rotation)
                            .chain(() -> outbox.append(tx, SecretEvents.rotation(EventType.KEK_ROTATION_STARTED, rotation,
                                    actor)))
                            .replaceWith(rotation);
                }));
    }
}
