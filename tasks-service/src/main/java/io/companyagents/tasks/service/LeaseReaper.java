package io.companyagents.tasks.service;

import io.companyagents.platform.events.DomainEvent;
import io.companyagents.platform.events.EventPayloads;
import io.companyagents.platform.events.EventType;
import io.companyagents.platform.outbox.Outbox;
import io.companyagents.tasks.config.TasksConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Ends expired leases in batches: a work lease hands its task back to {@code pending}
 * ({@code attempts += 1}; after {@code maxAttempts} the task is {@code blocked} with reason
 * {@code max_attempts}); a review lease just ends. Runs are marked {@code timed_out}. Safe on
 * many replicas: each batch takes its rows with {@code SKIP LOCKED}.
 */
@ApplicationScoped
public class LeaseReaper {

    private static final Logger LOG = Logger.getLogger(LeaseReaper.class);

    @Inject
    Pool pool;

    @Inject
    Vertx vertx;

    @Inject
    Outbox outbox;

    @Inject
    TasksConfig config;

    @Inject
    TaskMetrics metrics;

    private final AtomicBoolean running = new AtomicBoolean();
    private long timer = -1;

    void onStart(@Observes StartupEvent ignored) {
        timer = vertx.setPeriodic(config.reaperInterval().toMillis(), id -> tick());
    }

    void onStop(@Observes ShutdownEvent ignored) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    private void tick() {
        if (!running.compareAndSet(false, true)) {
            return;
        }
        reapOnce().subscribe().with(n -> {
            metrics.reaped(n);
            running.set(false);
            if (n >= config.reaperBatchSize()) {
                tick();
            }
        }, f -> {
            running.set(false);
            LOG.warnf("lease reaper failed, will retry: %s", f.getMessage());
        });
    }

    /** Reaps one batch; answers how many leases it ended. */
    public Uni<Integer> reapOnce() {
        return pool.withTransaction(tx -> tx.preparedQuery("with expired as ("
                        + " select id, status as old_status, lease_id as old_lease_id, lease_agent_id as old_agent_id,"
                        + " run_id as old_run_id, lease_kind as old_kind, lease_expires_at as old_expires_at from tasks"
                        + " where lease_expires_at < now() and status in ('claimed', 'in_progress', 'awaiting_qa',"
                        + " 'awaiting_documentation', 'awaiting_pr_review')"
                        + " order by lease_expires_at limit $1 for update skip locked)"
                        + " update tasks t set"
                        + " status = case when e.old_kind = 'review' then t.status"
                        + "   when t.attempts + 1 >= t.max_attempts then 'blocked' else 'pending' end,"
                        + " remembered_status = case when e.old_kind <> 'review' and t.attempts + 1 >= t.max_attempts then 'pending'"
                        + "   else t.remembered_status end,"
                        + " blocked_reason = case when e.old_kind <> 'review' and t.attempts + 1 >= t.max_attempts then 'max_attempts'"
                        + "   else t.blocked_reason end,"
                        + " attempts = case when e.old_kind = 'review' then t.attempts else t.attempts + 1 end,"
                        + " lease_id = null, lease_agent_id = null, lease_kind = null, lease_seconds = null, lease_expires_at = null,"
                        + " run_id = null, version = t.version + 1, updated_at = now()"
                        + " from expired e where t.id = e.id"
                        + " returning t.id, t.company_id, t.identifier, t.status, t.attempts, t.lease_epoch, t.version, t.project_id,"
                        + " t.team_id, e.old_status, e.old_lease_id, e.old_agent_id, e.old_run_id, e.old_kind, e.old_expires_at")
                .execute(Tuple.of(config.reaperBatchSize()))
                .chain(rows -> {
                    if (rows.size() == 0) {
                        return Uni.createFrom().item(0);
                    }
                    List<UUID> leases = new ArrayList<>();
                    List<UUID> runs = new ArrayList<>();
                    List<DomainEvent> events = new ArrayList<>();
                    for (Row r : rows) {
                        UUID company = r.getUUID("company_id");
                        UUID task = r.getUUID("id");
                        UUID lease = r.getUUID("old_lease_id");
                        UUID run = r.getUUID("old_run_id");
                        UUID agent = r.getUUID("old_agent_id");
                        leases.add(lease);
                        runs.add(run);
                        events.add(new DomainEvent(EventType.LEASE_EXPIRED, company, "system", "lease-reaper", "lease",
                                lease.toString(), new EventPayloads.LeaseChanged(lease, task, agent, run, r.getLong("lease_epoch"),
                                r.getString("old_kind"), r.getOffsetDateTime("old_expires_at"))));
                        events.add(new DomainEvent(EventType.RUN_FINISHED, company, "system", "lease-reaper", "run",
                                run.toString(), new EventPayloads.RunFinished(run, task, agent, r.getUUID("project_id"),
                                r.getUUID("team_id"), "timed_out", null, null)));
                        if (!r.getString("old_status").equals(r.getString("status"))) {
                            String to = r.getString("status");
                            events.add(new DomainEvent(EventType.TASK_STATUS_CHANGED, company, "system", "lease-reaper", "task",
                                    task.toString(), new EventPayloads.TaskStatusChanged(task, r.getString("identifier"),
                                    r.getString("old_status"), to, "release", "blocked".equals(to) ? "max_attempts" : "lease_expired",
                                    r.getLong("lease_epoch"), r.getInteger("attempts"), r.getLong("version"))));
                        }
                    }
                    return tx.preparedQuery("update leases set ended_at = now(), end_reason = 'expired' where id = any($1) and ended_at is null")
                            .execute(Tuple.of(leases.toArray(UUID[]::new)))
                            .chain(() -> tx.preparedQuery("update runs set status = 'timed_out', finished_at = now()"
                                    + " where id = any($1) and status = 'running'").execute(Tuple.of(runs.toArray(UUID[]::new))))
                            .chain(() -> outbox.appendAll(tx, events))
                            .replaceWith(rows.size());
                }));
    }
}
