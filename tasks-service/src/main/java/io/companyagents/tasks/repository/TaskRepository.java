package io.companyagents.tasks.repository;

import io.companyagents.platform.problem.ApiException;
import io.companyagents.tasks.domain.AgentState;
import io.companyagents.tasks.domain.Task;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.UUID;

/** Reads of tasks and of the agent projection. */
@ApplicationScoped
public class TaskRepository {

    public Uni<Task> get(SqlClient client, UUID companyId, UUID taskId) {
        return client.preparedQuery("select " + TaskRows.COLUMNS + TaskRows.RELATIONS
                        + " from tasks t where t.company_id = $1 and t.id = $2")
                .execute(Tuple.of(companyId, taskId))
                .map(rows -> {
                    if (rows.size() == 0) {
                        throw ApiException.notFound("task " + taskId);
                    }
                    return TaskRows.map(rows.iterator().next());
                });
    }

    /** Locks the task row for the rest of the transaction. */
    public Uni<Task> getForUpdate(SqlClient tx, UUID companyId, UUID taskId) {
        return tx.preparedQuery("select " + TaskRows.COLUMNS + " from tasks t where t.company_id = $1 and t.id = $2 for update")
                .execute(Tuple.of(companyId, taskId))
                .map(rows -> {
                    if (rows.size() == 0) {
                        throw ApiException.notFound("task " + taskId);
                    }
                    return TaskRows.map(rows.iterator().next());
                });
    }

    /** The agent as this service knows it, including whether a budget hard stop covers it. */
    public Uni<AgentState> agent(SqlClient client, UUID companyId, UUID agentId) {
        return client.preparedQuery("select a.team_id, a.role, a.status, coalesce(a.over_budget, false) as over_budget,"
                        + " exists (select 1 from budget_stops b where b.company_id = $1 and ("
                        + "   b.scope_type = 'company' or (b.scope_type = 'agent' and b.scope_id = $2)"
                        + "   or (b.scope_type = 'team' and b.scope_id = a.team_id))) as stopped"
                        + " from (select $2::uuid as id) x left join agents a on a.agent_id = x.id and a.company_id = $1")
                .execute(Tuple.of(companyId, agentId))
                .map(rows -> {
                    var r = rows.iterator().next();
                    return new AgentState(agentId, r.getUUID("team_id"), r.getString("role"), r.getString("status"),
                            r.getBoolean("over_budget") || r.getBoolean("stopped"));
                });
    }
}
