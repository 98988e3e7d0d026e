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

    /** What the agent projection and budget stops say of one agent, as a derived table {@code (team_id, role, status, stopped)}. */
    private static final String AGENT_SQL = "select a.team_id, a.role, a.status,"
            + " coalesce(a.over_budget, false) or exists (select 1 from budget_stops b where b.company_id = $1 and ("
            + "   b.scope_type = 'company' or (b.scope_type = 'agent' and b.scope_id = $%1$d)"
            + "   or (b.scope_type = 'team' and b.scope_id = a.team_id))) as stopped"
            + " from (select $%1$d::uuid as id) x left join agents a on a.agent_id = x.id and a.company_id = $1";

    private static final String AGENT_ALONE_SQL = agentSql(2);

    /** The agent derived table for a statement whose company is {@code $1} and whose agent id is {@code $param}. */
    public static String agentSql(int param) {
        return String.format(AGENT_SQL, param);
    }

    private static final String TASK_AND_AGENT_SQL = "select " + TaskRows.COLUMNS + ", ag.team_id as agent_team_id,"
            + " ag.role as agent_role, ag.status as agent_status, ag.stopped as agent_stopped"
            + " from tasks t cross join lateral (" + agentSql(3) + ") ag"
            + " where t.company_id = $1 and t.id = $2 for update of t";

    /** A task locked for the rest of the transaction, and the acting agent's state, read together. */
    public record LockedTask(Task task, AgentState agent) {
    }

    /** Locks the task row and reads the agent (null for callers that are not agents) in one statement. */
    public Uni<LockedTask> getForUpdateWithAgent(SqlClient tx, UUID companyId, UUID taskId, UUID agentId) {
        if (agentId == null) {
            return getForUpdate(tx, companyId, taskId).map(task -> new LockedTask(task, null));
        }
        return tx.preparedQuery(TASK_AND_AGENT_SQL)
                .execute(Tuple.of(companyId, taskId, agentId))
                .map(rows -> {
                    if (rows.size() == 0) {
                        throw ApiException.notFound("task " + taskId);
                    }
                    var r = rows.iterator().next();
                    return new LockedTask(TaskRows.map(r), new AgentState(agentId, r.getUUID("agent_team_id"),
                            r.getString("agent_role"), r.getString("agent_status"), r.getBoolean("agent_stopped")));
                });
    }

    /** The agent as this service knows it, including whether a budget hard stop covers it. */
    public Uni<AgentState> agent(SqlClient client, UUID companyId, UUID agentId) {
        return client.preparedQuery(AGENT_ALONE_SQL)
                .execute(Tuple.of(companyId, agentId))
                .map(rows -> {
                    var r = rows.iterator().next();
                    return new AgentState(agentId, r.getUUID("team_id"), r.getString("role"), r.getString("status"),
                            r.getBoolean("stopped"));
                });
    }
}
