package io.companyagents.secrets.repository;

import io.companyagents.secrets.domain.Grant;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Which agents may reveal which secret. */
@ApplicationScoped
public class GrantRepository {

    private static final String COLUMNS = "secret_id, agent_id, granted_at, granted_by_type, granted_by_id";

    /** Inserts the grant; answers it, and whether it is new (false: it existed, unchanged). */
    public Uni<Added> add(SqlClient c, UUID companyId, UUID secretId, UUID agentId, OffsetDateTime at, String byType,
                          String byId) {
        return c.preparedQuery("insert into secret_grants (secret_id, agent_id, company_id, granted_at, granted_by_type,"
                        + " granted_by_id) values ($1, $2, $3, $4, $5, $6) on conflict do nothing returning " + COLUMNS)
                .execute(Tuple.of(secretId, agentId, companyId, at, byType, byId))
                .chain(rows -> rows.size() == 1
                        ? Uni.createFrom().item(new Added(toGrant(rows.iterator().next()), true))
                        : find(c, secretId, agentId).map(g -> new Added(g, false)));
    }

    public record Added(Grant grant, boolean created) {
    }

    public Uni<Boolean> remove(SqlClient c, UUID secretId, UUID agentId) {
        return c.preparedQuery("delete from secret_grants where secret_id = $1 and agent_id = $2")
                .execute(Tuple.of(secretId, agentId)).map(rows -> rows.rowCount() == 1);
    }

    public Uni<Void> removeAll(SqlClient c, UUID secretId) {
        return c.preparedQuery("delete from secret_grants where secret_id = $1").execute(Tuple.of(secretId))
                .replaceWithVoid();
    }

    public Uni<Grant> find(SqlClient c, UUID secretId, UUID agentId) {
        return c.preparedQuery("select " + COLUMNS + " from secret_grants where secret_id = $1 and agent_id = $2")
                .execute(Tuple.of(secretId, agentId))
                .map(rows -> rows.size() == 0 ? null : toGrant(rows.iterator().next()));
    }

    /** A keyset page in agent id order. */
    public Uni<List<Grant>> page(SqlClient c, UUID secretId, UUID afterAgent, int size) {
        String sql = "select " + COLUMNS + " from secret_grants where secret_id = $1"
                + (afterAgent == null ? "" : " and agent_id > $3") + " order by agent_id limit $2";
        Tuple params = afterAgent == null ? Tuple.of(secretId, size) : Tuple.of(secretId, size, afterAgent);
        return c.preparedQuery(sql).execute(params).map(rows -> {
            List<Grant> list = new ArrayList<>(rows.size());
            rows.forEach(r -> list.add(toGrant(r)));
            return list;
        });
    }

    private static Grant toGrant(Row r) {
        return new Grant(r.getUUID("secret_id"), r.getUUID("agent_id"), r.getOffsetDateTime("granted_at"),
                r.getString("granted_by_type"), r.getString("granted_by_id"));
    }
}
