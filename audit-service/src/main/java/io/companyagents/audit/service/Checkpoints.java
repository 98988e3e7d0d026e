package io.companyagents.audit.service;

import io.companyagents.audit.domain.CheckpointSigner;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * Signs each company's chain head at least every interval (60 s by default) and whenever
 * 10,000 events passed since the last checkpoint; {@link #latest} signs on demand when none is
 * fresh.
 */
@ApplicationScoped
public class Checkpoints {

    private static final Logger LOG = Logger.getLogger(Checkpoints.class);

    public record Checkpoint(long seq, String hash, OffsetDateTime signedAt, String signature, String publicKey) {
    }

    @Inject
    Pool pool;

    @Inject
    Vertx vertx;

    @ConfigProperty(name = "company-agents.instance-dir")
    Path instanceDir;

    @ConfigProperty(name = "company-agents.audit.signing-key-file")
    java.util.Optional<Path> signingKeyFile;

    @ConfigProperty(name = "company-agents.audit.checkpoint-interval", defaultValue = "PT60S")
    Duration interval;

    @ConfigProperty(name = "company-agents.audit.checkpoint-every-events", defaultValue = "10000")
    long everyEvents;

    private CheckpointSigner signer;
    private long timer = -1;

    void onStart(@Observes StartupEvent ignored) {
        signer = CheckpointSigner.fromFile(signingKeyFile.orElse(instanceDir.resolve("secrets").resolve("audit-signing.key")));
        timer = vertx.setPeriodic(Math.min(interval.toMillis(), 5_000), id -> signDue().subscribe().with(
                n -> { }, f -> LOG.warnf("audit checkpointing failed, will retry: %s", f.getMessage())));
    }

    void onStop(@Observes ShutdownEvent ignored) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    /** Signs the heads that moved and are due (by time or by event count). */
    Uni<Integer> signDue() {
        return pool.preparedQuery("select h.company_id, h.seq, h.hash from audit_heads h"
                        + " left join lateral (select seq, signed_at from audit_checkpoints c where c.company_id = h.company_id"
                        + " order by seq desc limit 1) last on true"
                        + " where last.seq is null or (h.seq > last.seq and (last.signed_at < now() - make_interval(secs => $1::int)"
                        + " or h.seq - last.seq >= $2))")
                .execute(Tuple.of((int) interval.toSeconds(), everyEvents))
                .chain(rows -> {
                    Uni<Void> chain = Uni.createFrom().voidItem();
                    int n = 0;
                    for (Row r : rows) {
                        UUID company = r.getUUID("company_id");
                        long seq = r.getLong("seq");
                        String hash = r.getString("hash");
                        chain = chain.chain(() -> store(pool, company, seq, hash).replaceWithVoid());
                        n++;
                    }
                    int signed = n;
                    return chain.replaceWith(signed);
                });
    }

    /** The newest checkpoint of a company, signing the current head first if it moved since. */
    public Uni<Checkpoint> latest(UUID companyId) {
        return pool.preparedQuery("select seq, hash from audit_heads where company_id = $1").execute(Tuple.of(companyId))
                .chain(heads -> {
                    if (heads.size() == 0) {
                        return Uni.createFrom().nullItem();
                    }
                    Row head = heads.iterator().next();
                    return store(pool, companyId, head.getLong("seq"), head.getString("hash"));
                });
    }

    private Uni<Checkpoint> store(SqlClient client, UUID company, long seq, String hash) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
        String signature = signer.sign(company, seq, hash, now);
        return client.preparedQuery("insert into audit_checkpoints (company_id, seq, hash, signed_at, signature, public_key)"
                        + " values ($1, $2, $3, $4, $5, $6) on conflict (company_id, seq) do nothing")
                .execute(Tuple.of(company, seq, hash, now, signature, signer.publicKey()))
                .chain(() -> client.preparedQuery("select seq, hash, signed_at, signature, public_key from audit_checkpoints"
                        + " where company_id = $1 and seq = $2").execute(Tuple.of(company, seq)))
                .map(rows -> {
                    Row r = rows.iterator().next();
                    return new Checkpoint(r.getLong("seq"), r.getString("hash"), r.getOffsetDateTime("signed_at"),
                            r.getString("signature"), r.getString("public_key"));
                });
    }
}
