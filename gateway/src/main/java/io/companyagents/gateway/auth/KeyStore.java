package io.companyagents.gateway.auth;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Resolves API keys to identities. Hits are cached for one second, so a revoked key stops
 * working within a second on every gateway replica without a database round trip per request.
 */
@ApplicationScoped
public class KeyStore {

    private static final long CACHE_NANOS = 1_000_000_000L;

    @Inject
    Pool pool;

    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    private record Cached(Identity identity, long until) {
    }

    public Uni<Optional<Identity>> lookup(String key) {
        if (!ApiKeys.looksLikeKey(key)) {
            return Uni.createFrom().item(Optional.empty());
        }
        String hash = ApiKeys.hash(key);
        Cached hit = cache.get(hash);
        long now = System.nanoTime();
        if (hit != null && hit.until - now > 0) {
            return Uni.createFrom().item(Optional.of(hit.identity));
        }
        return pool.preparedQuery("select id, kind, company_id, agent_id, role from api_keys where key_hash = $1"
                        + " and revoked_at is null and (expires_at is null or expires_at > now())")
                .execute(Tuple.of(hash))
                .map(rows -> {
                    if (rows.size() == 0) {
                        cache.remove(hash);
                        return Optional.<Identity>empty();
                    }
                    Identity identity = toIdentity(rows.iterator().next());
                    if (cache.size() > 100_000) {
                        cache.clear();
                    }
                    cache.put(hash, new Cached(identity, System.nanoTime() + CACHE_NANOS));
                    return Optional.of(identity);
                });
    }

    /** Drops a revoked key from this replica's cache at once (others see it within the cache's second). */
    public void forget(String keyHash) {
        cache.remove(keyHash);
    }

    static Identity toIdentity(Row row) {
        UUID id = row.getUUID("id");
        String kind = row.getString("kind");
        UUID agent = row.getUUID("agent_id");
        String actorId = "agent".equals(kind) ? agent.toString() : id.toString();
        List<String> scopes = "admin".equals(kind) ? List.of("*") : List.of();
        return new Identity(id, kind, actorId, row.getUUID("company_id"), row.getString("role"), scopes);
    }

    public Uni<Boolean> anyActiveAdmin() {
        return pool.query("select 1 from api_keys where kind = 'admin' and revoked_at is null limit 1").execute()
                .map(rows -> rows.size() > 0);
    }

    public Uni<UUID> insert(io.vertx.mutiny.sqlclient.SqlClient tx, UUID id, String kind, UUID companyId, UUID agentId,
                            String role, String name, String key, String createdBy) {
        return tx.preparedQuery("insert into api_keys (id, kind, company_id, agent_id, role, name, prefix, key_hash, created_by)"
                        + " values ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
                .execute(Tuple.from(new Object[]{id, kind, companyId, agentId, role, name, ApiKeys.prefix(key),
                        ApiKeys.hash(key), createdBy}))
                .replaceWith(id);
    }
}
