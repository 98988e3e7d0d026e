package io.companyagents.platform.outbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.companyagents.platform.events.CloudEvent;
import io.companyagents.platform.events.DomainEvent;
import io.companyagents.platform.id.Ids;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/**
 * The transactional outbox: an event is written in the same transaction as the change it
 * describes, and {@link OutboxRelay} publishes it after commit. Nothing is published that was
 * not committed; nothing committed is lost.
 */
@ApplicationScoped
public class Outbox {

    static final String INSERT_SQL =
            "insert into outbox (event_id, topic, company_id, event_type, payload) values ($1, $2, $3, $4, $5)";
    static final String INSERT_MANY_SQL = "insert into outbox (event_id, topic, company_id, event_type, payload)"
            + " select e, t, c, y, p from unnest($1::uuid[], $2::text[], $3::uuid[], $4::text[], $5::text[])"
            + " with ordinality as x(e, t, c, y, p, n) order by n";
    private static final String INSERT_HQL_NATIVE =
            "insert into outbox (event_id, topic, company_id, event_type, payload) values (?1, ?2, ?3, ?4, ?5)";

    @Inject
    ObjectMapper mapper;

    @Inject
    OutboxSignal signal;

    @ConfigProperty(name = "company-agents.event-source")
    String source;

    /**
     * Whether a transaction's events for one topic and company share a row ({@link OutboxGroup}).
     * A relay older than groups would publish a group as one record, so a cluster upgrading from
     * such a version rolls out with this off and turns it on once no old replica is left (see
     * deploy/README.md); the services' own statements that group in SQL follow it too.
     */
    @ConfigProperty(name = "company-agents.outbox.group-events", defaultValue = "true")
    boolean groupEvents;

    /** Whether this service writes groups (statements that write the outbox themselves follow it). */
    public boolean groupsEvents() {
        return groupEvents;
    }

    /** Appends within the current Hibernate Reactive (Panache) transaction. */
    public Uni<CloudEvent> append(DomainEvent event) {
        CloudEvent ce = toCloudEvent(event);
        String json = toJson(ce);
        return Panache.getSession().chain(session -> session.createNativeQuery(INSERT_HQL_NATIVE)
                        .setParameter(1, ce.id())
                        .setParameter(2, event.type().topic())
                        .setParameter(3, ce.companyid())
                        .setParameter(4, ce.type())
                        .setParameter(5, json)
                        .executeUpdate())
                .invoke(signal::appended)
                .replaceWith(ce);
    }

    /** Appends on a connection that is inside the caller's SQL transaction. */
    public Uni<CloudEvent> append(SqlClient tx, DomainEvent event) {
        CloudEvent ce = toCloudEvent(event);
        return tx.preparedQuery(INSERT_SQL)
                .execute(Tuple.of(ce.id(), event.type().topic(), ce.companyid(), ce.type(), toJson(ce)))
                .invoke(signal::appended)
                .replaceWith(ce);
    }

    /** Appends several events with one statement (one multi-row insert), keeping their order. */
    public Uni<Void> appendAll(SqlClient tx, java.util.List<DomainEvent> events) {
        java.util.List<OutboxRow> rows = new java.util.ArrayList<>(events.size());
        for (DomainEvent event : events) {
            CloudEvent ce = toCloudEvent(event);
            rows.add(new OutboxRow(ce.id(), event.type().topic(), ce.companyid(), ce.type(), toJson(ce)));
        }
        return insertRows(tx, rows);
    }

    /**
     * An event serialized for a statement of the caller's own that inserts it into the outbox
     * (for instance together with the change it describes, in one statement); the caller then
     * calls {@link #appendedElsewhere()} once the statement has run.
     */
    public record Prepared(java.util.UUID eventId, String topic, java.util.UUID companyId, String type, String json) {
    }

    public Prepared prepare(DomainEvent event) {
        CloudEvent ce = toCloudEvent(event);
        return new Prepared(ce.id(), event.type().topic(), ce.companyid(), ce.type(), toJson(ce));
    }

    /** Wakes the relay for rows a statement of the caller's inserted (see {@link #prepare}). */
    public void appendedElsewhere() {
        signal.appended();
    }

    record OutboxRow(java.util.UUID eventId, String topic, java.util.UUID companyId, String type, String payload) {
    }

    /**
     * One insert: the events bound for one topic and company become one row (an {@link OutboxGroup},
     * in their order), several rows are unnested {@code with ordinality}, so ids follow the order of
     * each group's first event. An event whose JSON holds the group separator keeps a row of its own.
     */
    private Uni<Void> insertRows(SqlClient tx, java.util.List<OutboxRow> events) {
        if (events.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        java.util.List<OutboxRow> rows = groupEvents ? grouped(events) : events;
        if (rows.size() == 1) {
            OutboxRow r = rows.get(0);
            return tx.preparedQuery(INSERT_SQL).execute(Tuple.of(r.eventId(), r.topic(), r.companyId(), r.type(), r.payload()))
                    .invoke(signal::appended).replaceWithVoid();
        }
        return tx.preparedQuery(INSERT_MANY_SQL)
                .execute(Tuple.tuple()
                        .addArrayOfUUID(rows.stream().map(OutboxRow::eventId).toArray(java.util.UUID[]::new))
                        .addArrayOfString(rows.stream().map(OutboxRow::topic).toArray(String[]::new))
                        .addArrayOfUUID(rows.stream().map(OutboxRow::companyId).toArray(java.util.UUID[]::new))
                        .addArrayOfString(rows.stream().map(OutboxRow::type).toArray(String[]::new))
                        .addArrayOfString(rows.stream().map(OutboxRow::payload).toArray(String[]::new)))
                .invoke(signal::appended).replaceWithVoid();
    }

    /**
     * The rows for a transaction's events: one per topic and company (a new one after every
     * {@link OutboxGroup#MAX_EVENTS}), in the order of each one's first event.
     */
    static java.util.List<OutboxRow> grouped(java.util.List<OutboxRow> events) {
        if (events.size() == 1) {
            return events;
        }
        // the open group of each topic and company; an event that cannot join one closes it, so the
        // events of one topic and company (one partition) keep their order across the rows
        java.util.Map<String, java.util.List<OutboxRow>> open = new java.util.HashMap<>();
        java.util.List<java.util.List<OutboxRow>> groups = new java.util.ArrayList<>();
        for (OutboxRow e : events) {
            String key = e.topic() + '|' + e.companyId();
            if (!OutboxGroup.groupable(e.type(), e.payload())) {
                open.remove(key);
                groups.add(java.util.List.of(e));
                continue;
            }
            java.util.List<OutboxRow> group = open.get(key);
            if (group == null || group.size() == OutboxGroup.MAX_EVENTS) {
                group = new java.util.ArrayList<>();
                open.put(key, group);
                groups.add(group);
            }
            group.add(e);
        }
        java.util.List<OutboxRow> rows = new java.util.ArrayList<>(groups.size());
        for (java.util.List<OutboxRow> group : groups) {
            if (group.size() == 1) {
                rows.add(group.get(0));
                continue;
            }
            OutboxRow first = group.get(0);
            rows.add(new OutboxRow(first.eventId(), first.topic(), first.companyId(),
                    OutboxGroup.join(group.stream().map(OutboxRow::type).toList()),
                    OutboxGroup.join(group.stream().map(OutboxRow::payload).toList())));
        }
        return rows;
    }

    public CloudEvent toCloudEvent(DomainEvent event) {
        return new CloudEvent(CloudEvent.SPEC_VERSION, Ids.newId(), source, event.type().type(),
                event.subjectType() + "/" + event.subjectId(),
                OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS), "application/json",
                event.companyId(), event.actorType(), event.actorId(), event.subjectType(), event.subjectId(),
                mapper.valueToTree(event.payload()));
    }

    private String toJson(CloudEvent ce) {
        try {
            return mapper.writeValueAsString(ce);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("event " + ce.type() + " cannot be serialized", e);
        }
    }
}
