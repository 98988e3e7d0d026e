package io.companyagents.secrets.repository;

import io.companyagents.secrets.crypto.SealedValue;
import io.companyagents.secrets.domain.Secret;
import io.companyagents.secrets.domain.SecretKind;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Secrets and their sealed versions, on the caller's connection (inside its transaction when it has one). */
@ApplicationScoped
public class SecretRepository {

    private static final String COLUMNS = "id, company_id, name, description, kind, project_id, current_version,"
            + " created_at, updated_at, deleted_at, destroyed_at";

    /** One sealed version and the coordinates its associated data is built from. */
    public record StoredVersion(UUID secretId, UUID companyId, int version, SealedValue sealed) {
    }

    public Uni<Secret> find(SqlClient c, UUID companyId, UUID id) {
        return one(c.preparedQuery("select " + COLUMNS + " from secrets where id = $1 and company_id = $2")
                .execute(Tuple.of(id, companyId)));
    }

    /** Locks the secret's row for the rest of the transaction (changes to one secret are serialised). */
    public Uni<Secret> findForUpdate(SqlClient c, UUID companyId, UUID id) {
        return one(c.preparedQuery("select " + COLUMNS + " from secrets where id = $1 and company_id = $2 for update")
                .execute(Tuple.of(id, companyId)));
    }

    /** The secret (live or tombstone, not destroyed) that holds this name in the company, or null. */
    public Uni<Secret> nameHolder(SqlClient c, UUID companyId, String name) {
        return one(c.preparedQuery("select " + COLUMNS + " from secrets where company_id = $1 and name = $2"
                + " and destroyed_at is null").execute(Tuple.of(companyId, name)));
    }

    public Uni<Secret> findProjectToken(SqlClient c, UUID companyId, UUID projectId, boolean lock) {
        return one(c.preparedQuery("select " + COLUMNS + " from secrets where company_id = $1 and project_id = $2"
                + " and destroyed_at is null" + (lock ? " for update" : "")).execute(Tuple.of(companyId, projectId)));
    }

    /** A keyset page in id (creation) order; tombstones and destroyed secrets only when asked for. */
    public Uni<List<Secret>> page(SqlClient c, UUID companyId, UUID after, boolean includeDeleted, SecretKind kind,
                                  int size) {
        List<Object> params = new ArrayList<>();
        params.add(companyId);
        StringBuilder where = new StringBuilder("company_id = $1");
        if (!includeDeleted) {
            where.append(" and deleted_at is null");
        }
        if (kind != null) {
            params.add(kind.name());
            where.append(" and kind = $").append(params.size());
        }
        if (after != null) {
            params.add(after);
            where.append(" and id > $").append(params.size());
        }
        params.add(size);
        return c.preparedQuery("select " + COLUMNS + " from secrets where " + where + " order by id limit $" + params.size())
                .execute(Tuple.from(params))
                .map(SecretRepository::all);
    }

    public Uni<Void> insert(SqlClient c, Secret s, String actorType, String actorId) {
        return c.preparedQuery("insert into secrets (" + COLUMNS + ", created_by_type, created_by_id)"
                        + " values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)")
                .execute(Tuple.tuple().addUUID(s.id()).addUUID(s.companyId()).addString(s.name())
                        .addString(s.description()).addString(s.kind().name()).addUUID(s.projectId())
                        .addInteger(s.currentVersion()).addOffsetDateTime(s.createdAt())
                        .addOffsetDateTime(s.updatedAt()).addOffsetDateTime(s.deletedAt())
                        .addOffsetDateTime(s.destroyedAt()).addString(actorType).addString(actorId))
                .replaceWithVoid();
    }

    public Uni<Void> insertVersion(SqlClient c, UUID companyId, UUID secretId, int version, SealedValue sealed,
                                   OffsetDateTime at) {
        return c.preparedQuery("insert into secret_versions (secret_id, version, company_id, ciphertext, wrapped_data_key,"
                        + " kek_version, created_at) values ($1, $2, $3, $4, $5, $6, $7)")
                .execute(Tuple.tuple().addUUID(secretId).addInteger(version).addUUID(companyId)
                        .addBuffer(Buffer.buffer(sealed.ciphertext())).addBuffer(Buffer.buffer(sealed.wrappedDataKey()))
                        .addInteger(sealed.kekVersion()).addOffsetDateTime(at))
                .replaceWithVoid();
    }

    public Uni<Void> setCurrentVersion(SqlClient c, UUID secretId, int version, OffsetDateTime at) {
        return c.preparedQuery("update secrets set current_version = $2, updated_at = $3 where id = $1")
                .execute(Tuple.of(secretId, version, at)).replaceWithVoid();
    }

    public Uni<Void> markDeleted(SqlClient c, UUID secretId, OffsetDateTime at) {
        return c.preparedQuery("update secrets set deleted_at = $2, updated_at = $2 where id = $1 and deleted_at is null")
                .execute(Tuple.of(secretId, at)).replaceWithVoid();
    }

    /** Crypto-shredding: the wrapped data keys (and ciphertexts) of every version are dropped for good. */
    public Uni<Void> markDestroyed(SqlClient c, UUID secretId, OffsetDateTime at) {
        return c.preparedQuery("update secret_versions set ciphertext = null, wrapped_data_key = null, kek_version = null"
                        + " where secret_id = $1")
                .execute(Tuple.of(secretId))
                .chain(() -> c.preparedQuery("update secrets set deleted_at = coalesce(deleted_at, $2), destroyed_at = $2,"
                        + " updated_at = $2 where id = $1").execute(Tuple.of(secretId, at)))
                .replaceWithVoid();
    }

    /** The sealed version, or null if the secret never had it; a destroyed version has a null {@code sealed}. */
    public Uni<StoredVersion> version(SqlClient c, UUID secretId, int version) {
        return c.preparedQuery("select secret_id, company_id, version, ciphertext, wrapped_data_key, kek_version"
                        + " from secret_versions where secret_id = $1 and version = $2")
                .execute(Tuple.of(secretId, version))
                .map(rows -> rows.size() == 0 ? null : storedVersion(rows.iterator().next()));
    }

    static StoredVersion storedVersion(Row r) {
        Buffer ciphertext = r.getBuffer("ciphertext");
        SealedValue sealed = ciphertext == null ? null
                : new SealedValue(ciphertext.getBytes(), r.getBuffer("wrapped_data_key").getBytes(),
                        r.getInteger("kek_version"));
        return new StoredVersion(r.getUUID("secret_id"), r.getUUID("company_id"), r.getInteger("version"), sealed);
    }

    private static Uni<Secret> one(Uni<RowSet<Row>> rows) {
        return rows.map(rs -> rs.size() == 0 ? null : toSecret(rs.iterator().next()));
    }

    private static List<Secret> all(RowSet<Row> rows) {
        List<Secret> list = new ArrayList<>(rows.size());
        rows.forEach(r -> list.add(toSecret(r)));
        return list;
    }

    static Secret toSecret(Row r) {
        return new Secret(r.getUUID("id"), r.getUUID("company_id"), r.getString("name"), r.getString("description"),
                SecretKind.valueOf(r.getString("kind")), r.getUUID("project_id"), r.getInteger("current_version"),
                r.getOffsetDateTime("created_at"), r.getOffsetDateTime("updated_at"),
                r.getOffsetDateTime("deleted_at"), r.getOffsetDateTime("destroyed_at"));
    }
}
