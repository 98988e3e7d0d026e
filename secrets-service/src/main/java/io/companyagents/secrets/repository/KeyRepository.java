package io.companyagents.secrets.repository;

import io.companyagents.secrets.crypto.KekStartup;
import io.companyagents.secrets.domain.KeyRotation;
import io.companyagents.secrets.repository.SecretRepository.StoredVersion;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.UUID;

/** KEK metadata (version numbers, which is primary) and rotations with their persisted progress. */
@ApplicationScoped
public class KeyRepository {

    private static final String ROTATION_COLUMNS = "id, provider, from_version, to_version, status, total, rewrapped,"
            + " skipped, passes, cursor_secret_id, cursor_version, failed_attempts, last_failure_at, requested_by,"
            + " started_at, updated_at, completed_at";
    private static final UUID BEFORE_ALL = new UUID(0, 0);

    /** What stored data needs from the KEK, read at start. */
    public Uni<KekStartup.Stored> stored(SqlClient c) {
        return c.query("select kek_version, count(*) as n from secret_versions where wrapped_data_key is not null"
                        + " group by kek_version").execute()
                .chain(inUseRows -> c.query("select version, is_primary from kek_versions").execute()
                        .map(metadata -> {
                            SortedSet<Integer> inUse = new TreeSet<>();
                            long live = 0;
                            for (Row r : inUseRows) {
                                inUse.add(r.getInteger("kek_version"));
                                live += r.getLong("n");
                            }
                            OptionalInt primary = OptionalInt.empty();
                            int highest = inUse.isEmpty() ? 0 : inUse.last();
                            for (Row r : metadata) {
                                highest = Math.max(highest, r.getInteger("version"));
                                if (r.getBoolean("is_primary")) {
                                    primary = OptionalInt.of(r.getInteger("version"));
                                }
                            }
                            return new KekStartup.Stored(inUse, live, primary, highest);
                        }));
    }

    /** Records the versions the KEK holds (metadata only) and which is primary. */
    public Uni<Void> recordVersions(SqlClient tx, String provider, SortedSet<Integer> versions, int primary) {
        List<Tuple> rows = new ArrayList<>();
        versions.forEach(v -> rows.add(Tuple.of(v, provider)));
        return tx.preparedQuery("insert into kek_versions (version, provider) values ($1, $2) on conflict do nothing")
                .executeBatch(rows)
                .chain(() -> makePrimary(tx, primary));
    }

    /** Two statements so the one-primary index never sees two primaries at once. */
    public Uni<Void> makePrimary(SqlClient tx, int version) {
        return tx.preparedQuery("update kek_versions set is_primary = false where is_primary and version <> $1")
                .execute(Tuple.of(version))
                .chain(() -> tx.preparedQuery("update kek_versions set is_primary = true where version = $1")
                        .execute(Tuple.of(version)))
                .replaceWithVoid();
    }

    public Uni<List<Integer>> versions(SqlClient c) {
        return c.query("select version from kek_versions order by version").execute().map(rows -> {
            List<Integer> list = new ArrayList<>();
            rows.forEach(r -> list.add(r.getInteger("version")));
            return list;
        });
    }

    public Uni<KeyRotation> running(SqlClient c, boolean lock) {
        return one(c.query("select " + ROTATION_COLUMNS + " from kek_rotations where status = 'running'"
                + (lock ? " for update" : "")).execute());
    }

    public Uni<KeyRotation> latest(SqlClient c) {
        return one(c.query("select " + ROTATION_COLUMNS + " from kek_rotations order by started_at desc limit 1").execute());
    }

    public Uni<Void> insertRotation(SqlClient tx, KeyRotation r) {
        return tx.preparedQuery("insert into kek_rotations (id, provider, from_version, to_version, status, total,"
                        + " requested_by, started_at, updated_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $8)")
                .execute(Tuple.tuple().addUUID(r.id()).addString(r.provider()).addInteger(r.fromVersion())
                        .addInteger(r.toVersion()).addString(r.status()).addLong(r.total()).addString(r.requestedBy())
                        .addOffsetDateTime(r.startedAt()))
                .replaceWithVoid();
    }

    /** Live data keys wrapped by a KEK version below {@code version}. */
    public Uni<Long> countBelow(SqlClient c, int version) {
        return c.preparedQuery("select count(*) from secret_versions where wrapped_data_key is not null and kek_version < $1")
                .execute(Tuple.of(version)).map(rows -> rows.iterator().next().getLong(0));
    }

    /** The next batch still below {@code toVersion} after the cursor, locked until the batch commits. */
    public Uni<List<StoredVersion>> batchBelow(SqlClient tx, int toVersion, UUID afterSecret, Integer afterVersion,
                                               int size) {
        return tx.preparedQuery("select secret_id, company_id, version, ciphertext, wrapped_data_key, kek_version"
                        + " from secret_versions where (secret_id, version) > ($2, $3) and wrapped_data_key is not null"
                        + " and kek_version < $1 order by secret_id, version limit $4 for update")
                .execute(Tuple.of(toVersion, afterSecret == null ? BEFORE_ALL : afterSecret,
                        afterVersion == null ? 0 : afterVersion, size))
                .map(rows -> {
                    List<StoredVersion> list = new ArrayList<>(rows.size());
                    rows.forEach(r -> list.add(SecretRepository.storedVersion(r)));
                    return list;
                });
    }

    /** Stores re-wrapped data keys in one statement. */
    public Uni<Void> storeRewrapped(SqlClient tx, List<StoredVersion> rewrapped) {
        if (rewrapped.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        int n = rewrapped.size();
        UUID[] ids = new UUID[n];
        Integer[] versions = new Integer[n];
        Buffer[] keys = new Buffer[n];
        Integer[] kekVersions = new Integer[n];
        for (int i = 0; i < n; i++) {
            StoredVersion v = rewrapped.get(i);
            ids[i] = v.secretId();
            versions[i] = v.version();
            keys[i] = Buffer.buffer(v.sealed().wrappedDataKey());
            kekVersions[i] = v.sealed().kekVersion();
        }
        return tx.preparedQuery("update secret_versions v set wrapped_data_key = u.wrapped, kek_version = u.kek"
                        + " from unnest($1::uuid[], $2::int[], $3::bytea[], $4::int[]) as u(secret_id, version, wrapped, kek)"
                        + " where v.secret_id = u.secret_id and v.version = u.version and v.wrapped_data_key is not null")
                .execute(Tuple.of(ids, versions, keys, kekVersions))
                .replaceWithVoid();
    }

    public Uni<Void> advance(SqlClient tx, UUID rotationId, UUID cursorSecret, int cursorVersion, long rewrapped,
                             long skipped, OffsetDateTime at) {
        return tx.preparedQuery("update kek_rotations set cursor_secret_id = $2, cursor_version = $3,"
                        + " rewrapped = rewrapped + $4, skipped = skipped + $5, updated_at = $6 where id = $1")
                .execute(Tuple.of(rotationId, cursorSecret, cursorVersion, rewrapped, skipped, at))
                .replaceWithVoid();
    }

    /** Starts another pass from the beginning (for data keys written with an old version during the last one). */
    public Uni<Void> newPass(SqlClient tx, UUID rotationId, OffsetDateTime at) {
        return tx.preparedQuery("update kek_rotations set cursor_secret_id = null, cursor_version = null, skipped = 0,"
                        + " passes = passes + 1, updated_at = $2 where id = $1")
                .execute(Tuple.of(rotationId, at)).replaceWithVoid();
    }

    public Uni<Void> complete(SqlClient tx, UUID rotationId, OffsetDateTime at) {
        return tx.preparedQuery("update kek_rotations set status = 'completed', completed_at = $2, updated_at = $2"
                        + " where id = $1").execute(Tuple.of(rotationId, at)).replaceWithVoid();
    }

    /** Counts a failed batch against the running rotation (its own statement: the batch rolled back). */
    public Uni<Void> recordFailure(SqlClient c, OffsetDateTime at) {
        return c.preparedQuery("update kek_rotations set failed_attempts = failed_attempts + 1, last_failure_at = $1"
                        + " where status = 'running'").execute(Tuple.of(at)).replaceWithVoid();
    }

    private static Uni<KeyRotation> one(Uni<RowSet<Row>> rows) {
        return rows.map(rs -> rs.size() == 0 ? null : toRotation(rs.iterator().next()));
    }

    private static KeyRotation toRotation(Row r) {
        return new KeyRotation(r.getUUID("id"), r.getString("provider"), r.getInteger("from_version"),
                r.getInteger("to_version"), r.getString("status"), r.getLong("total"), r.getLong("rewrapped"),
                r.getLong("skipped"), r.getInteger("passes"), r.getUUID("cursor_secret_id"),
                r.getInteger("cursor_version"), r.getInteger("failed_attempts"), r.getOffsetDateTime("last_failure_at"),
                r.getString("requested_by"), r.getOffsetDateTime("started_at"), r.getOffsetDateTime("updated_at"),
                r.getOffsetDateTime("completed_at"));
    }
}
