package io.companyagents.tasks.repository;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.companyagents.tasks.domain.ReviewPolicy;
import io.companyagents.tasks.domain.Task;
import io.companyagents.tasks.domain.TaskStatus;
import io.vertx.mutiny.sqlclient.Row;

import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/** Reads task rows; the select list and the mapping live together so they cannot drift. */
public final class TaskRows {

    public static final String COLUMNS = "t.id, t.company_id, t.number, t.identifier, t.title, t.description,"
            + " t.acceptance_criteria::text as acceptance_criteria, t.status, t.remembered_status, t.blocked_reason,"
            + " t.pause_reason, t.priority, t.parent_task_id, t.project_id, t.product_id, t.team_id,"
            + " t.assignee_agent_id, t.review_policy, t.labels, t.unmet_dependencies, t.attempts, t.max_attempts,"
            + " t.ever_claimed, t.worker_agent_id, t.lease_epoch, t.lease_id, t.lease_agent_id, t.lease_kind,"
            + " t.lease_seconds, t.lease_expires_at, coalesce(t.lease_expires_at > now(), false) as lease_live,"
            + " t.run_id, t.branch_name, t.pr_number, t.pr_url, t.created_by, t.created_at, t.updated_at, t.version";

    /** The two directions of the dependency relation and the child count. */
    public static final String RELATIONS = ", array(select d.depends_on_task_id from task_dependencies d where d.task_id = t.id order by d.depends_on_task_id) as blocked_by"
            + ", array(select d.task_id from task_dependencies d where d.depends_on_task_id = t.id order by d.task_id) as blocks"
            + ", (select count(*) from tasks c where c.parent_task_id = t.id) as children";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private TaskRows() {
    }

    public static Task map(Row r) {
        return new Task(r.getUUID("id"), r.getUUID("company_id"), r.getLong("number"), r.getString("identifier"),
                r.getString("title"), r.getString("description"), json(r.getString("acceptance_criteria")),
                TaskStatus.valueOf(r.getString("status")), status(r.getString("remembered_status")),
                r.getString("blocked_reason"), r.getString("pause_reason"), r.getInteger("priority"),
                r.getUUID("parent_task_id"), r.getUUID("project_id"), r.getUUID("product_id"), r.getUUID("team_id"),
                r.getUUID("assignee_agent_id"), ReviewPolicy.valueOf(r.getString("review_policy")),
                strings(r.getArrayOfStrings("labels")), r.getInteger("unmet_dependencies"), r.getInteger("attempts"),
                r.getInteger("max_attempts"), r.getBoolean("ever_claimed"), r.getUUID("worker_agent_id"),
                r.getLong("lease_epoch"), r.getUUID("lease_id"), r.getUUID("lease_agent_id"), r.getString("lease_kind"),
                r.getInteger("lease_seconds"), r.getOffsetDateTime("lease_expires_at"), r.getBoolean("lease_live"),
                r.getUUID("run_id"), r.getString("branch_name"), r.getInteger("pr_number"), r.getString("pr_url"),
                r.getString("created_by"), r.getOffsetDateTime("created_at"), r.getOffsetDateTime("updated_at"),
                r.getLong("version"), uuids(r, "blocked_by"), uuids(r, "blocks"),
                r.getColumnIndex("children") >= 0 ? r.getLong("children") : 0);
    }

    private static List<UUID> uuids(Row r, String column) {
        if (r.getColumnIndex(column) < 0) {
            return List.of();
        }
        UUID[] values = r.getArrayOfUUIDs(column);
        return values == null ? List.of() : Arrays.asList(values);
    }

    private static List<String> strings(String[] values) {
        return values == null ? List.of() : Arrays.asList(values);
    }

    private static TaskStatus status(String s) {
        return s == null ? null : TaskStatus.valueOf(s);
    }

    private static JsonNode json(String s) {
        try {
            return s == null ? MAPPER.createArrayNode() : MAPPER.readTree(s);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
