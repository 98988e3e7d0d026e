package io.companyagents.secrets.service;

import io.companyagents.platform.events.EventType;
import io.companyagents.platform.outbox.Outbox;
import io.companyagents.secrets.config.SecretsConfig;
import io.companyagents.secrets.crypto.AssociatedData;
import io.companyagents.secrets.crypto.DecryptionFailedException;
import io.companyagents.secrets.crypto.EnvelopeCrypto;
import io.companyagents.secrets.crypto.KeyEncryptionKey;
import io.companyagents.secrets.crypto.KeyEncryptionKeys;
import io.companyagents.secrets.domain.Actor;
import io.companyagents.secrets.domain.KeyRotation;
import io.companyagents.secrets.repository.KeyRepository;
import io.companyagents.secrets.repository.SecretRepository.StoredVersion;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Re-wraps the data keys of the running rotation in the background, one batch per transaction:
 * lock the rotation row, take the next batch after its cursor (rows locked too), unwrap each
 * data key with whichever KEK version wrapped it and wrap it with the new one, store them, and
 * advance the cursor and counts, all in that one commit. A crash loses at most the batch in
 * flight, which the next start redoes; replicas serialise on the rotation row. Reveals go on
 * throughout: every version the KEK holds still unwraps.
 */
@ApplicationScoped
public class KeyRotationWorker {

    private static final Logger LOG = Logger.getLogger(KeyRotationWorker.class);
    /** Passes over the keyset before giving up on stragglers written with an old version mid-rotation. */
    static final int MAX_PASSES = 5;

    @Inject
    Pool pool;

    @Inject
    KeyRepository keys;

    @Inject
    KeyEncryptionKeys keks;

    @Inject
    EnvelopeCrypto crypto;

    @Inject
    Outbox outbox;

    @Inject
    Vertx vertx;

    @Inject
    SecretsConfig config;

    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicBoolean wakeAgain = new AtomicBoolean();
    private volatile boolean halted;

    private record BatchResult(List<StoredVersion> rewrapped, long skipped, StoredVersion last) {
    }

    private long pollTimer = -1;

    /** Resumes what is unfinished now, and looks again periodically (another replica may have started one). */
    public void start() {
        resumeUnfinished();
        pollTimer = vertx.setPeriodic(Math.max(1000, config.rotation().pollInterval().toMillis()), id -> {
            if (!halted) {
                resumeUnfinished();
            }
        });
    }

    void onStop(@Observes ShutdownEvent ignored) {
        halt();
        if (pollTimer >= 0) {
            vertx.cancelTimer(pollTimer);
        }
    }

    /** Starts (or keeps) draining whatever rotation is running, from its persisted cursor. Called at start and by a rotate. */
    public void resumeUnfinished() {
        halted = false;
        if (!draining.compareAndSet(false, true)) {
            wakeAgain.set(true);
            return;
        }
        wakeAgain.set(false);
        next();
    }

    /** Stops after the batch in flight (shutdown); progress up to the last commit is kept. */
    public void halt() {
        halted = true;
    }

    /** Whether a drain loop is alive in this process. */
    public boolean draining() {
        return draining.get();
    }

    private void next() {
        if (halted) {
            draining.set(false);
            return;
        }
        runBatch().subscribe().with(more -> {
            if (more) {
                next();
            } else {
                draining.set(false);
                if (wakeAgain.getAndSet(false)) {
                    resumeUnfinished();
                }
            }
        }, failure -> {
            LOG.warnf("key rotation batch failed and rolled back (%s); retrying in %s",
                    failure.getClass().getSimpleName(), config.rotation().retryDelay());
            keys.recordFailure(pool, SecretService.now()).subscribe().with(
                    ok -> retryLater(), f -> retryLater());
        });
    }

    private void retryLater() {
        vertx.setTimer(Math.max(1, config.rotation().retryDelay().toMillis()), id -> next());
    }

    /** One batch in one transaction; answers whether there is more to do. */
    Uni<Boolean> runBatch() {
        KeyEncryptionKey kek = keks.current();
        return pool.withTransaction(tx -> keys.running(tx, true).chain(rotation -> {
            if (rotation == null) {
                return Uni.createFrom().item(false);
            }
            return keys.batchBelow(tx, rotation.toVersion(), rotation.cursorSecretId(), rotation.cursorVersion(),
                            config.rotation().batchSize())
                    .chain(batch -> batch.isEmpty()
                            ? endOfPass(tx, rotation)
                            : rewrap(kek, rotation, batch).chain(result -> keys.storeRewrapped(tx, result.rewrapped())
                                    .chain(() -> keys.advance(tx, rotation.id(), result.last().secretId(),
                                            result.last().version(), result.rewrapped().size(), result.skipped(),
                                            SecretService.now()))
                                    .replaceWith(true)));
        }));
    }

    private Uni<BatchResult> rewrap(KeyEncryptionKey kek, KeyRotation rotation, List<StoredVersion> batch) {
        return SecretService.offload(() -> {
            int primary = kek.primary().version();
            if (primary < rotation.toVersion()) {
                throw new IllegalStateException("the KEK's primary version is " + primary + " but the rotation targets "
                        + rotation.toVersion());
            }
            List<StoredVersion> rewrapped = new ArrayList<>(batch.size());
            long skipped = 0;
            for (StoredVersion v : batch) {
                AssociatedData ad = new AssociatedData(v.companyId(), v.secretId(), v.version());
                try {
                    rewrapped.add(new StoredVersion(v.secretId(), v.companyId(), v.version(),
                            crypto.rewrap(kek, v.sealed(), ad)));
                } catch (DecryptionFailedException e) {
                    skipped++;
                    LOG.warnf("key rotation leaves a data key on its old version: %s", e.getMessage());
                }
            }
            return new BatchResult(rewrapped, skipped, batch.get(batch.size() - 1));
        });
    }

    /** The cursor reached the end: done, unless data keys were written with an old version meanwhile. */
    private Uni<Boolean> endOfPass(SqlClient tx, KeyRotation rotation) {
        return keys.countBelow(tx, rotation.toVersion()).chain(remaining -> {
            if (remaining > rotation.skipped() && rotation.passes() < MAX_PASSES) {
                return keys.newPass(tx, rotation.id(), SecretService.now()).replaceWith(true);
            }
            if (remaining > 0) {
                LOG.warnf("key rotation %s completes with %d data key(s) still below version %d (they do not unwrap)",
                        rotation.id(), remaining, rotation.toVersion());
            }
            return keys.complete(tx, rotation.id(), SecretService.now())
                    .chain(() -> outbox.append(tx, SecretEvents.rotation(EventType.KEK_ROTATION_COMPLETED, rotation,
                            Actor.SYSTEM)))
                    .invoke(() -> LOG.infof("key rotation %s to KEK version %d completed: %d re-wrapped, %d skipped",
                            rotation.id(), rotation.toVersion(), rotation.rewrapped(), rotation.skipped()))
                    .replaceWith(false);
        });
    }
}
