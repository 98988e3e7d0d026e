package io.companyagents.tasks.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.companyagents.platform.events.DomainEvent;
import io.companyagents.platform.events.EventType;
import io.companyagents.platform.events.KafkaSend;
import io.companyagents.platform.inbox.Inbox;
import io.companyagents.platform.outbox.Outbox;
import io.companyagents.tasks.domain.Actor;
import io.companyagents.tasks.domain.Lifecycle;
import io.companyagents.tasks.domain.Task;
import io.companyagents.tasks.domain.TaskAction;
import io.companyagents.tasks.domain.Transition;
import io.companyagents.tasks.repository.TaskRows;
import io.companyagents.tasks.service.TaskTransitions;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Keeps what tasks-service must know of other services, each event applied once (inbox):
 * companies (task identifier prefix, default review policy) and agents (status, role, team)
 * from ca.agents.v1; budget hard stops from ca.ledger.v1, which pause the in-progress work in
 * scope and refuse new claims until the budget recovers.
 */
@ApplicationScoped
public class ProjectionConsumer {

    private static final Logger LOG = Logger.getLogger(ProjectionConsumer.class);
    private static final String CONSUMER = "tasks-projections";
    /**
     * The types this projection applies; every other event on its topics is skipped without a
     * transaction, and without parsing when its type header names it.
     */
    private static final Set<String> APPLIED = Set.of(EventType.COMPANY_CREATED.type(), EventType.COMPANY_UPDATED.type(),
            EventType.AGENT_CREATED.type(), EventType.AGENT_UPDATED.type(), EventType.AGENT_STATUS_CHANGED.type(),
            EventType.BUDGET_EXCEEDED.type(), EventType.BUDGET_RECOVERED.type());

    @Inject
    Pool pool;

    @Inject
    Inbox inbox;

    @Inject
    Outbox outbox;

    @Inject
    TaskTransitions transitions;

    @Inject
    ObjectMapper mapper;

    @Incoming("projections")
    public Uni<Void> consume(ConsumerRecord<String, String> record) {
        if (KafkaSend.namesAnotherType(record, APPLIED)) {
            return Uni.createFrom().voidItem(); // the header says it is none of ours: skipped unread
        }
        JsonNode event;
        UUID id;
        UUID company;
        try {
            event = mapper.readTree(record.value());
            id = UUID.fromString(event.get("id").asText());
            company = UUID.fromString(event.get("companyid").asText());
        } catch (Exception e) {
            LOG.warnf("unreadable event at %s-%d@%d skipped to the dead-letter topic", record.topic(), record.partition(), record.offset());
            return Uni.createFrom().failure(new IllegalArgumentException("unreadable event"));
        }
        String type = event.path("type").asText();
        if (!APPLIED.contains(type)) {
            return Uni.createFrom().voidItem();
        }
        JsonNode data = event.path("data");
        return pool.withTransaction(tx -> inbox.firstDelivery(tx, CONSUMER, id)
                        .chain(first -> first ? apply(tx, type, company, data) : Uni.createFrom().voidItem()))
                .onFailure().retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(10)).atMost(20);
    }

    private Uni<Void> apply(SqlConnection tx, String type, UUID company, JsonNode data) {
        if (type.equals(EventType.COMPANY_CREATED.type()) || type.equals(EventType.COMPANY_UPDATED.type())) {
            return tx.preparedQuery("insert into companies (company_id, prefix, default_review_policy) values ($1, $2, $3)"
                            + " on conflict (company_id) do update set default_review_policy = excluded.default_review_policy")
                    .execute(Tuple.of(company, prefix(data.path("slug").asText("task")), data.path("defaultReviewPolicy").asText("pm")))
                    .replaceWithVoid();
        }
        if (type.equals(EventType.AGENT_CREATED.type()) || type.equals(EventType.AGENT_UPDATED.type())
                || type.equals(EventType.AGENT_STATUS_CHANGED.type())) {
            UUID agent = UUID.fromString(data.path("id").asText());
            UUID team = data.hasNonNull("teamId") ? UUID.fromString(data.get("teamId").asText()) : null;
            return tx.preparedQuery("insert into agents (agent_id, company_id, team_id, role, status, version) values ($1, $2, $3, $4, $5, $6)"
                            + " on conflict (agent_id) do update set team_id = excluded.team_id, role = excluded.role,"
                            + " status = excluded.status, version = excluded.version, updated_at = now()"
                            + " where agents.version <= excluded.version")
                    .execute(Tuple.tuple().addUUID(agent).addUUID(company).addUUID(team).addString(data.path("role").asText(null))
                            .addString(data.path("status").asText("active")).addLong(data.path("version").asLong(0)))
                    .replaceWithVoid();
        }
        if (type.equals(EventType.BUDGET_EXCEEDED.type()) && data.path("hardStop").asBoolean(true)) {
            String scopeType = data.path("scopeType").asText();
            UUID scope = UUID.fromString(data.path("scopeId").asText());
            return tx.preparedQuery("insert into budget_stops (company_id, scope_type, scope_id) values ($1, $2, $3) on conflict do nothing")
                    .execute(Tuple.of(company, scopeType, scope))
                    .chain(() -> pauseInScope(tx, company, scopeType, scope));
        }
        if (type.equals(EventType.BUDGET_RECOVERED.type())) {
            return tx.preparedQuery("delete from budget_stops where company_id = $1 and scope_type = $2 and scope_id = $3")
                    .execute(Tuple.of(company, data.path("scopeType").asText(), UUID.fromString(data.path("scopeId").asText())))
                    .chain(() -> resumeBudgetPaused(tx, company));
        }
        return Uni.createFrom().voidItem();
    }

    /** Pauses in-progress work in the budget's scope (reason {@code budget}); the lease is frozen, not lost. */
    private Uni<Void> pauseInScope(SqlConnection tx, UUID company, String scopeType, UUID scope) {
        String where = switch (scopeType) {
            case "agent" -> "t.lease_agent_id = $2";
            case "team" -> "(t.team_id = $2 or t.lease_agent_id in (select agent_id from agents where company_id = $1 and team_id = $2))";
            case "project" -> "t.project_id = $2";
            default -> "$2::uuid is not null";
        };
        return tx.preparedQuery("select " + TaskRows.COLUMNS + " from tasks t where t.company_id = $1 and t.status = 'in_progress' and "
                        + where + " order by t.id for update")
                .execute(Tuple.of(company, scope))
                .chain(rows -> each(tx, rows, TaskAction.pause, "budget"));
    }

    /** Resumes work paused for budget whose agent no longer falls under any hard stop. */
    private Uni<Void> resumeBudgetPaused(SqlConnection tx, UUID company) {
        return tx.preparedQuery("select " + TaskRows.COLUMNS + " from tasks t left join agents a on a.agent_id = t.lease_agent_id"
                        + " where t.company_id = $1 and t.status = 'paused' and t.pause_reason = 'budget'"
                        + " and not exists (select 1 from budget_stops b where b.company_id = $1 and (b.scope_type = 'company'"
                        + "   or (b.scope_type = 'agent' and b.scope_id = t.lease_agent_id)"
                        + "   or (b.scope_type = 'team' and (b.scope_id = a.team_id or b.scope_id = t.team_id))"
                        + "   or (b.scope_type = 'project' and b.scope_id = t.project_id)))"
                        + " order by t.id for update of t")
                .execute(Tuple.of(company))
                .chain(rows -> each(tx, rows, TaskAction.resume, null));
    }

    private Uni<Void> each(SqlConnection tx, Iterable<Row> rows, TaskAction action, String reason) {
        List<DomainEvent> events = new ArrayList<>();
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (Row row : rows) {
            Task task = TaskRows.map(row);
            Transition tr = Lifecycle.find(task.status(), action, task.reviewPolicy(), EnumSet.of(Actor.system)).orElse(null);
            if (tr != null) {
                chain = chain.chain(() -> transitions.apply(tx, task, tr, TaskTransitions.Context.system(reason), events).replaceWithVoid());
            }
        }
        return chain.chain(() -> outbox.appendAll(tx, events));
    }

    /** "acme-robotics" → "ACME": the first word of the slug, upper-cased, at most six letters. */
    static String prefix(String slug) {
        String word = slug.split("-")[0].replaceAll("[^a-z0-9]", "").toUpperCase();
        if (word.isEmpty()) {
            return "TASK";
        }
        return word.length() > 6 ? word.substring(0, 6) : word;
    }
}
