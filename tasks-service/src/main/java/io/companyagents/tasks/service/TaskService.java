package io.companyagents.tasks.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.companyagents.platform.events.DomainEvent;
import io.companyagents.platform.events.EventPayloads;
import io.companyagents.platform.events.EventType;
import io.companyagents.platform.id.Ids;
import io.companyagents.platform.identity.Caller;
import io.companyagents.platform.idempotency.Idempotency;
import io.companyagents.platform.outbox.Outbox;
import io.companyagents.platform.paging.Page;
import io.companyagents.platform.paging.PageRequest;
import io.companyagents.platform.paging.Where;
import io.companyagents.platform.problem.ApiException;
import io.companyagents.tasks.domain.Task;
import io.companyagents.tasks.domain.TaskStatus;
import io.companyagents.tasks.repository.TaskRepository;
import io.companyagents.tasks.repository.TaskRows;
import io.companyagents.tasks.rest.TaskApi;
import io.companyagents.tasks.rest.TaskApi.CreateTask;
import io.companyagents.tasks.rest.TaskApi.Criterion;
import io.companyagents.tasks.rest.TaskApi.PatchTask;
import io.companyagents.tasks.rest.TaskApi.TaskView;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** Tasks as records: create, read, list, edit, dependencies and comments. */
@ApplicationScoped
public class TaskService {

    @Inject
    Pool pool;

    @Inject
    TaskRepository tasks;

    @Inject
    Outbox outbox;

    @Inject
    Idempotency idempotency;

    @Inject
    TaskTransitions transitions;

    @Inject
    ObjectMapper mapper;

    public record ListFilter(String status, UUID assignee, UUID parentTaskId, UUID teamId, String label, String q) {
    }

    public Uni<Response> create(UUID companyId, CreateTask req, String idempotencyKey, Caller caller) {
        if (req.projectId() != null && req.productId() != null) {
            throw ApiException.validation("productId", "a task belongs to a project or a product, not both");
        }
        List<UUID> dependsOn = req.dependsOn() == null ? List.of() : List.copyOf(new java.util.LinkedHashSet<>(req.dependsOn()));
        String actorType = caller.actorType().name();
        String actorId = caller.actorId();
        return idempotency.create(companyId, idempotencyKey, "POST", "/companies/" + companyId + "/tasks", req,
                tx -> insert(tx, companyId, req, dependsOn, actorType, actorId)
                        .map(task -> new Idempotency.Created(201, TaskView.of(task))));
    }

    /**
     * Inserts the task. The company's counter row is the one lock every create in a company
     * shares, so it is taken last: the checks read first, then one statement numbers and inserts
     * the task, leaving only the dependency rows, the outbox row and the commit inside the lock.
     */
    private Uni<Task> insert(SqlConnection tx, UUID companyId, CreateTask req, List<UUID> dependsOn, String actorType, String actorId) {
        UUID id = Ids.newId();
        return checkParent(tx, companyId, req.parentTaskId())
                .chain(() -> unmetAmong(tx, companyId, dependsOn))
                .chain(unmet -> {
                    Tuple row = Tuple.tuple().addUUID(id).addUUID(companyId)
                            .addString(req.title().trim()).addString(req.description())
                            .addString(criteria(null, req.acceptanceCriteria()).toString())
                            .addString(req.status() == null ? TaskStatus.pending.name() : req.status())
                            .addInteger(req.priority() == null ? 2 : req.priority())
                            .addUUID(req.parentTaskId()).addUUID(req.projectId()).addUUID(req.productId())
                            .addUUID(req.teamId()).addUUID(req.assigneeAgentId())
                            .addString(req.reviewPolicy() == null ? null : req.reviewPolicy().name())
                            .addArrayOfString(labels(req.labels())).addInteger(unmet)
                            .addInteger(req.maxAttempts() == null ? 3 : req.maxAttempts())
                            .addString(actorType + ":" + actorId);
                    // the company's first task creates its counter row, then numbers the task
                    return tx.preparedQuery(INSERT_NUMBERED_SQL).execute(row).chain(rows -> rows.size() == 1
                            ? Uni.createFrom().item(TaskRows.map(rows.iterator().next()))
                            : tx.preparedQuery("insert into companies (company_id, prefix) values ($1, 'TASK') on conflict do nothing")
                                    .execute(Tuple.of(companyId))
                                    .chain(() -> tx.preparedQuery(INSERT_NUMBERED_SQL).execute(row))
                                    .map(again -> TaskRows.map(again.iterator().next())));
                })
                .chain(task -> dependsOn.isEmpty() ? Uni.createFrom().item(task)
                        : tx.preparedQuery("insert into task_dependencies (company_id, task_id, depends_on_task_id) values ($1, $2, $3)")
                        .executeBatch(dependsOn.stream().map(d -> Tuple.of(companyId, id, d)).toList())
                        .chain(() -> tasks.get(tx, companyId, id)))
                .call(task -> outbox.append(tx, new DomainEvent(EventType.TASK_CREATED, companyId, actorType, actorId,
                        "task", id.toString(), payload(task))));
    }

    /** Takes the company's next number and inserts the task under it; no row when the company has no counter yet. */
    private static final String INSERT_NUMBERED_SQL = "with n as (update companies set next_number = next_number + 1"
            + " where company_id = $2 returning next_number - 1 as number, prefix, default_review_policy)"
            + " insert into tasks as t (id, company_id, number, identifier, title, description, acceptance_criteria, status,"
            + " priority, parent_task_id, project_id, product_id, team_id, assignee_agent_id, review_policy, labels,"
            + " unmet_dependencies, max_attempts, created_by)"
            + " select $1::uuid, $2, n.number, n.prefix || '-' || n.number, $3::text, $4::text, $5::text::jsonb, $6::text, $7::int,"
            + " $8::uuid, $9::uuid, $10::uuid, $11::uuid, $12::uuid, coalesce($13::text, n.default_review_policy), $14::text[],"
            + " $15::int, $16::int, $17::text from n"
            + " returning " + TaskRows.COLUMNS;

    public Uni<Task> get(UUID companyId, UUID taskId) {
        return tasks.get(pool, companyId, taskId);
    }

    public Uni<Page<Task>> list(UUID companyId, ListFilter f, PageRequest page) {
        Where where = new Where("t.company_id = ", companyId);
        if (f.status() != null) {
            List<String> statuses = new ArrayList<>();
            for (String s : f.status().split(",")) {
                try {
                    statuses.add(TaskStatus.valueOf(s.trim()).name());
                } catch (IllegalArgumentException e) {
                    throw ApiException.validation("status", "unknown status '" + s.trim() + "'");
                }
            }
            where.and("t.status = any(" + where.param(statuses.toArray(String[]::new)) + ")");
        }
        where.and("t.assignee_agent_id = ", f.assignee())
                .and("t.parent_task_id = ", f.parentTaskId())
                .and("t.team_id = ", f.teamId());
        if (f.label() != null) {
            where.and(where.param(f.label()) + " = any(t.labels)");
        }
        if (f.q() != null && !f.q().isBlank()) {
            String q = where.param("%" + f.q().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%");
            where.and("(t.title ilike " + q + " or t.identifier ilike " + q + ")");
        }
        where.and("t.id > ", page.afterId());
        String limit = where.param(page.fetchSize());
        return pool.preparedQuery("select " + TaskRows.COLUMNS + TaskRows.RELATIONS + " from tasks t where " + where.sql()
                        + " order by t.id limit " + limit)
                .execute(where.tuple())
                .map(rows -> {
                    List<Task> out = new ArrayList<>();
                    rows.forEach(r -> out.add(TaskRows.map(r)));
                    return page.page(out, t -> t.id().toString());
                });
    }

    public Uni<Task> patch(UUID companyId, UUID taskId, long expectedVersion, PatchTask req, Caller caller) {
        String actorType = caller.actorType().name();
        String actorId = caller.actorId();
        return pool.withTransaction(tx -> tasks.getForUpdate(tx, companyId, taskId).chain(task -> {
            if (task.version() != expectedVersion) {
                throw new ApiException(412, "precondition_failed", "Precondition Failed",
                        "the task changed since version " + expectedVersion + " (now " + task.version() + ")");
            }
            if (task.status().terminal()) {
                throw ApiException.conflict("task_terminal", task.identifier() + " is " + task.status() + " and can no longer be edited");
            }
            return tx.preparedQuery("update tasks set title = coalesce($3, title), description = coalesce($4, description),"
                            + " acceptance_criteria = coalesce($5::text::jsonb, acceptance_criteria), priority = coalesce($6, priority),"
                            + " team_id = coalesce($7, team_id), assignee_agent_id = coalesce($8, assignee_agent_id),"
                            + " review_policy = coalesce($9, review_policy), labels = coalesce($10, labels),"
                            + " branch_name = coalesce($11, branch_name), pr_number = coalesce($12, pr_number), pr_url = coalesce($13, pr_url),"
                            + " version = version + 1, updated_at = now() where company_id = $1 and id = $2")
                    .execute(Tuple.tuple().addUUID(companyId).addUUID(taskId)
                            .addString(req.title() == null ? null : req.title().trim()).addString(req.description())
                            .addString(req.acceptanceCriteria() == null ? null : criteria(task.acceptanceCriteria(), req.acceptanceCriteria()).toString())
                            .addInteger(req.priority()).addUUID(req.teamId()).addUUID(req.assigneeAgentId())
                            .addString(req.reviewPolicy() == null ? null : req.reviewPolicy().name())
                            .addArrayOfString(req.labels() == null ? null : labels(req.labels()))
                            .addString(req.branchName()).addInteger(req.prNumber()).addString(req.prUrl()))
                    .chain(() -> tasks.get(tx, companyId, taskId))
                    .call(updated -> outbox.append(tx, new DomainEvent(EventType.TASK_UPDATED, companyId, actorType, actorId,
                            "task", taskId.toString(), payload(updated))));
        }));
    }

    /** Adds an edge; refuses one that would close a cycle. Edits of one company's graph are serialised. */
    public Uni<Task> addDependency(UUID companyId, UUID taskId, UUID dependsOn, Caller caller) {
        String actorType = caller.actorType().name();
        String actorId = caller.actorId();
        if (taskId.equals(dependsOn)) {
            throw ApiException.conflict("dependency_cycle", "a task cannot depend on itself");
        }
        return pool.withTransaction(tx -> lockGraph(tx, companyId)
                .chain(() -> tasks.getForUpdate(tx, companyId, taskId))
                .chain(task -> tasks.get(tx, companyId, dependsOn).chain(dep -> {
                    if (task.status().terminal()) {
                        throw ApiException.conflict("task_terminal", task.identifier() + " is " + task.status());
                    }
                    return tx.preparedQuery("with recursive reach as (select depends_on_task_id as id from task_dependencies where task_id = $1"
                                    + " union select d.depends_on_task_id from task_dependencies d join reach r on d.task_id = r.id)"
                                    + " select exists (select 1 from reach where id = $2)")
                            .execute(Tuple.of(dependsOn, taskId))
                            .chain(rows -> {
                                if (rows.iterator().next().getBoolean(0)) {
                                    throw ApiException.conflict("dependency_cycle",
                                            dep.identifier() + " already depends on " + task.identifier() + " (directly or through others)");
                                }
                                return tx.preparedQuery("insert into task_dependencies (company_id, task_id, depends_on_task_id)"
                                                + " values ($1, $2, $3) on conflict do nothing")
                                        .execute(Tuple.of(companyId, taskId, dependsOn));
                            })
                            .chain(inserted -> inserted.rowCount() == 0 || dep.status() == TaskStatus.completed
                                    ? Uni.createFrom().voidItem()
                                    : tx.preparedQuery("update tasks set unmet_dependencies = unmet_dependencies + 1, version = version + 1,"
                                    + " updated_at = now() where id = $1").execute(Tuple.of(taskId)).replaceWithVoid())
                            .chain(() -> outbox.append(tx, new DomainEvent(EventType.TASK_DEPENDENCY_ADDED, companyId, actorType, actorId,
                                    "task", taskId.toString(), new EventPayloads.TaskDependency(taskId, dependsOn))))
                            .chain(() -> tasks.get(tx, companyId, taskId));
                })));
    }

    public Uni<Task> removeDependency(UUID companyId, UUID taskId, UUID dependsOn, Caller caller) {
        String actorType = caller.actorType().name();
        String actorId = caller.actorId();
        return pool.withTransaction(tx -> lockGraph(tx, companyId)
                .chain(() -> tasks.getForUpdate(tx, companyId, taskId))
                .chain(task -> tx.preparedQuery("delete from task_dependencies d using tasks dep where d.task_id = $1"
                                + " and d.depends_on_task_id = $2 and dep.id = d.depends_on_task_id returning dep.status")
                        .execute(Tuple.of(taskId, dependsOn))
                        .chain(rows -> {
                            if (rows.size() == 0) {
                                throw ApiException.notFound("dependency of " + task.identifier() + " on " + dependsOn);
                            }
                            boolean wasUnmet = !TaskStatus.completed.name().equals(rows.iterator().next().getString("status"));
                            Uni<Void> count = wasUnmet
                                    ? tx.preparedQuery("update tasks set unmet_dependencies = unmet_dependencies - 1, version = version + 1,"
                                    + " updated_at = now() where id = $1").execute(Tuple.of(taskId)).replaceWithVoid()
                                    : Uni.createFrom().voidItem();
                            return count.chain(() -> outbox.append(tx, new DomainEvent(EventType.TASK_DEPENDENCY_REMOVED, companyId,
                                    actorType, actorId, "task", taskId.toString(), new EventPayloads.TaskDependency(taskId, dependsOn))));
                        })
                        .chain(() -> tasks.get(tx, companyId, taskId))));
    }

    public Uni<TaskApi.CommentView> comment(UUID companyId, UUID taskId, String body, Caller caller) {
        UUID id = Ids.newId();
        String actorType = caller.actorType().name();
        String actorId = caller.actorId();
        return pool.withTransaction(tx -> tasks.get(tx, companyId, taskId)
                .chain(task -> tx.preparedQuery("insert into task_comments (id, company_id, task_id, author_type, author_id, body)"
                                + " values ($1, $2, $3, $4, $5, $6) returning created_at")
                        .execute(Tuple.of(id, companyId, taskId, actorType, actorId, body)))
                .call(() -> outbox.append(tx, new DomainEvent(EventType.TASK_COMMENTED, companyId, actorType, actorId, "task",
                        taskId.toString(), new EventPayloads.TaskCommented(taskId, id, actorType, actorId))))
                .map(rows -> new TaskApi.CommentView(id, taskId, actorType, actorId, body,
                        rows.iterator().next().getOffsetDateTime("created_at"))));
    }

    public Uni<Page<TaskApi.CommentView>> comments(UUID companyId, UUID taskId, PageRequest page) {
        return tasks.get(pool, companyId, taskId)
                .chain(task -> {
                    Where where = new Where("task_id = ", taskId).and("id > ", page.afterId());
                    String limit = where.param(page.fetchSize());
                    return pool.preparedQuery("select id, author_type, author_id, body, created_at from task_comments"
                            + " where " + where.sql() + " order by id limit " + limit).execute(where.tuple());
                })
                .map(rows -> {
                    List<TaskApi.CommentView> out = new ArrayList<>();
                    rows.forEach(r -> out.add(new TaskApi.CommentView(r.getUUID("id"), taskId, r.getString("author_type"),
                            r.getString("author_id"), r.getString("body"), r.getOffsetDateTime("created_at"))));
                    return page.page(out, c -> c.id().toString());
                });
    }

    static EventPayloads.TaskChanged payload(Task t) {
        return new EventPayloads.TaskChanged(t.id(), t.identifier(), t.title(), t.status().name(), t.priority(),
                t.parentTaskId(), t.projectId(), t.productId(), t.teamId(), t.assigneeAgentId(), t.reviewPolicy().name(),
                t.labels(), t.version());
    }

    private Uni<Void> lockGraph(SqlConnection tx, UUID companyId) {
        return tx.preparedQuery("select pg_advisory_xact_lock(hashtext($1))").execute(Tuple.of("task-graph:" + companyId)).replaceWithVoid();
    }

    private Uni<Void> checkParent(SqlConnection tx, UUID companyId, UUID parentTaskId) {
        if (parentTaskId == null) {
            return Uni.createFrom().voidItem();
        }
        // a shared lock: the parent's own status change waits until this child is committed or rolled back
        return tx.preparedQuery("select status from tasks where company_id = $1 and id = $2 for share").execute(Tuple.of(companyId, parentTaskId))
                .map(rows -> {
                    if (rows.size() == 0) {
                        throw ApiException.validation("parentTaskId", "no such task in this company");
                    }
                    if (TaskStatus.valueOf(rows.iterator().next().getString("status")).terminal()) {
                        throw ApiException.conflict("parent_terminal", "the parent task is already finished");
                    }
                    return null;
                });
    }

    /** How many of the named dependencies are not completed; every one must exist in this company. */
    private Uni<Integer> unmetAmong(SqlConnection tx, UUID companyId, List<UUID> dependsOn) {
        if (dependsOn.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        // shared locks: a dependency completing now waits for this commit, and its release of dependents then sees this task
        return tx.preparedQuery("select id, status from tasks where company_id = $1 and id = any($2) order by id for share")
                .execute(Tuple.of(companyId, dependsOn.toArray(UUID[]::new)))
                .map(rows -> {
                    if (rows.size() != dependsOn.size()) {
                        throw ApiException.validation("dependsOn", "names a task that does not exist in this company");
                    }
                    int unmet = 0;
                    for (Row r : rows) {
                        if (!TaskStatus.completed.name().equals(r.getString("status"))) {
                            unmet++;
                        }
                    }
                    return unmet;
                });
    }

    /** Criteria keep their ids across edits; new ones get one. */
    private JsonNode criteria(JsonNode existing, List<Criterion> input) {
        ArrayNode out = mapper.createArrayNode();
        if (input == null) {
            return out;
        }
        Set<String> known = new HashSet<>();
        if (existing != null) {
            existing.forEach(n -> known.add(n.path("id").asText()));
        }
        for (Criterion c : input) {
            String id = c.id() != null && known.contains(c.id().toString()) ? c.id().toString() : Ids.newId().toString();
            out.addObject().put("id", id).put("text", c.text().trim()).put("done", Boolean.TRUE.equals(c.done()));
        }
        return out;
    }

    private static String[] labels(List<String> labels) {
        return labels == null ? new String[0] : labels.stream().map(String::trim).distinct().toArray(String[]::new);
    }
}
