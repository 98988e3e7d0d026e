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

    /** Appends several events in one round trip (a batch of binds), keeping their order. */
    public Uni<Void> appendAll(SqlClient tx, java.util.List<DomainEvent> events) {
        if (events.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        java.util.List<Tuple> rows = new java.util.ArrayList<>(events.size());
        for (DomainEvent event : events) {
            CloudEvent ce = toCloudEvent(event);
            rows.add(Tuple.of(ce.id(), event.type().topic(), ce.companyid(), ce.type(), toJson(ce)));
        }
        return tx.preparedQuery(INSERT_SQL).executeBatch(rows).invoke(signal::appended).replaceWithVoid();
    }

    /** An already-serialized CloudEvent bound for one topic. */
    public record RawEvent(java.util.UUID eventId, java.util.UUID companyId, String type, String json) {
    }

    /** Appends already-serialized CloudEvents in one round trip, in order. */
    public Uni<Void> appendRawAll(SqlClient tx, String topic, java.util.List<RawEvent> events) {
        if (events.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        java.util.List<Tuple> rows = new java.util.ArrayList<>(events.size());
        for (RawEvent e : events) {
            rows.add(Tuple.of(e.eventId(), topic, e.companyId(), e.type(), e.json()));
        }
        return tx.preparedQuery(INSERT_SQL).executeBatch(rows).invoke(signal::appended).replaceWithVoid();
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
