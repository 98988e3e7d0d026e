package io.companyagents.ledger.repository;

import io.companyagents.platform.problem.ApiException;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The ledger's copy of agents-service's agents (from ca.agents.v1): which team an agent's
 * costs are attributed to. It lags agents-service by the outbox relay's latency.
 */
@ApplicationScoped
public class AgentProjection {

    /** Applies an agent event; an older version than the one held is ignored. */
    public Uni<Void> upsert(SqlClient tx, UUID companyId, UUID agentId, UUID teamId, long version) {
        return tx.preparedQuery("insert into agents (agent_id, company_id, team_id, version) values ($1, $2, $3, $4)"
                        + " on conflict (agent_id) do update set team_id = excluded.team_id, version = excluded.version,"
                        + " updated_at = now() where agents.version <= excluded.version")
                .execute(Tuple.tuple().addUUID(agentId).addUUID(companyId).addUUID(teamId).addLong(version))
                .replaceWithVoid();
    }

    /**
     * The agent's team now, or {@code fallback} when the ledger has not heard of the agent yet.
     * An agent known to belong to another company is not found.
     */
    public Uni<UUID> teamOf(SqlClient client, UUID companyId, UUID agentId, UUID fallback) {
        return teamsOf(client, companyId, List.of(agentId)).map(teams -> teams.getOrDefault(agentId, fallback));
    }

    /**
     * The teams of the given agents now, for entries of company {@code companyId}: an agent the
     * ledger has not heard of yet is absent from the answer; one known to belong to another
     * company is not found.
     */
    public Uni<Map<UUID, UUID>> teamsOf(SqlClient client, UUID companyId, Collection<UUID> agentIds) {
        return client.preparedQuery("select agent_id, company_id, team_id from agents where agent_id = any($1)")
                .execute(Tuple.of(agentIds.toArray(UUID[]::new)))
                .map(rows -> {
                    Map<UUID, UUID> teams = new HashMap<>();
                    for (Row r : rows) {
                        UUID agent = r.getUUID("agent_id");
                        if (!companyId.equals(r.getUUID("company_id"))) {
                            throw ApiException.notFound("agent " + agent);
                        }
                        teams.put(agent, r.getUUID("team_id"));
                    }
                    return teams;
                });
    }
}
