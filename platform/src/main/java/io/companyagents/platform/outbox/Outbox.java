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
        if (events.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        int n = events.size();
        java.util.UUID[] ids = new java.util.UUID[n];
        String[] topics = new String[n];
        java.util.UUID[] companies = new java.util.UUID[n];
        String[] types = new String[n];
        String[] payloads = new String[n];
        for (int i = 0; i < n; i++) {
            DomainEvent event = events.get(i);
            CloudEvent ce = toCloudEvent(event);
            ids[i] = ce.id();
            topics[i] = event.type().topic();
            companies[i] = ce.companyid();
            types[i] = ce.type();
            payloads[i] = toJson(ce);
        }
        return insertRows(tx, ids, topics, companies, types, payloads);
    }

    /** One multi-row insert; {@code with ordinality} keeps the ids in the given order. */
    private Uni<Void> insertRows(SqlClient tx, java.util.UUID[] ids, String[] topics, java.util.UUID[] companies, String[] types,
                                 String[] payloads) {
        if (ids.length == 1) {
            return tx.preparedQuery(INSERT_SQL).execute(Tuple.of(ids[0], topics[0], companies[0], types[0], payloads[0]))
                    .invoke(signal::appended).replaceWithVoid();
        }
        return tx.preparedQuery(INSERT_MANY_SQL)
                .execute(Tuple.tuple().addArrayOfUUID(ids).addArrayOfString(topics).addArrayOfUUID(companies)
                        .addArrayOfString(types).addArrayOfString(payloads))
                .invoke(signal::appended).replaceWithVoid();
    }

    /** An already-serialized CloudEvent bound for one topic. */
    public record RawEvent(java.util.UUID eventId, java.util.UUID companyId, String type, String json) {
    }

    /** Appends already-serialized CloudEvents with one statement, in order. */
    public Uni<Void> appendRawAll(SqlClient tx, String topic, java.util.List<RawEvent> events) {
        if (events.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        int n = events.size();
        java.util.UUID[] ids = new java.util.UUID[n];
        String[] topics = new String[n];
        java.util.UUID[] companies = new java.util.UUID[n];
        String[] types = new String[n];
        String[] payloads = new String[n];
        for (int i = 0; i < n; i++) {
            RawEvent e = events.get(i);
            ids[i] = e.eventId();
            topics[i] = topic;
            companies[i] = e.companyId();
            types[i] = e.type();
            payloads[i] = e.json();
        }
        return insertRows(tx, ids, topics, companies, types, payloads);
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
