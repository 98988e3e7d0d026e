package io.companyagents.audit.service;

import io.companyagents.platform.inbox.PoisonEventException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.companyagents.audit.domain.AuditChain;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.pgclient.PgException;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Appends domain events to their companies' chains, each exactly once: head lock, redelivery
 * check, next seq and hash, insert and head update all commit together or not at all (see
 * {@link #appendAll}); {@link AuditStreamRelay} then publishes them on {@code ca.audit.v1}.
 */
@ApplicationScoped
public class AuditAppender {

    /** The chain for events that belong to no company. */
    public static final UUID SYSTEM_COMPANY = new UUID(0, 0);

    @Inject
    Pool pool;

    @Inject
    AuditStreamRelay stream;

    @Inject
    ObjectMapper mapper;

    /** A parsed, validated CloudEvent. */
    public record Incoming(UUID id, UUID companyId, String type, String source, OffsetDateTime occurredAt,
                           String actorType, String actorId, String subjectType, String subjectId, JsonNode data) {
    }

    /** Parses a structured-mode CloudEvent; a malformed one is a {@link PoisonEventException}. */
    public Incoming parse(String json) {
        JsonNode node;
        try {
            node = mapper.readTree(json);
        } catch (Exception e) {
            throw new PoisonEventException("not JSON");
        }
        if (node == null || !node.isObject()) {
            throw new PoisonEventException("not a JSON object");
        }
        try {
            UUID id = UUID.fromString(required(node, "id"));
            String type = required(node, "type");
            String company = text(node, "companyid");
            String time = text(node, "time");
            OffsetDateTime occurredAt = (time == null ? OffsetDateTime.now(ZoneOffset.UTC) : OffsetDateTime.parse(time))
                    .withOffsetSameInstant(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
            return new Incoming(id, company == null ? SYSTEM_COMPANY : UUID.fromString(company), type, text(node, "source"),
                    occurredAt, text(node, "actortype"), text(node, "actorid"), text(node, "subjecttype"),
                    text(node, "subjectid"), node.get("data"));
        } catch (PoisonEventException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new PoisonEventException("malformed CloudEvent: " + e.getClass().getSimpleName());
        }
    }

    /**
     * Appends a polled batch in one transaction: each company's head is locked once (in company
     * order, so concurrent batches cannot deadlock), seqs and hashes are computed here, and rows and
     * heads are written with one batched statement each. After the commit the stream relay is
     * handed the events written (it publishes them without reading them back). Answers how many
     * events were new.
     * <p>
     * A redelivery (an event the trail already holds) is rare, and the event-id index refuses it
     * anyway: the first attempt writes the batch without looking, and only if the index refused an
     * event is the transaction rolled back and the batch appended again with the events already
     * stored left out (checked under the head locks, which every append to those chains holds).
     * Looking first cost an index probe per event on every batch.
     */
    public Uni<Integer> appendAll(List<Incoming> batch) {
        if (batch.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        Map<UUID, List<Incoming>> byCompany = new TreeMap<>();
        Set<UUID> inBatch = new HashSet<>();
        for (Incoming e : batch) {
            if (inBatch.add(e.id())) {
                byCompany.computeIfAbsent(e.companyId(), k -> new ArrayList<>()).add(e);
            }
        }
        UUID[] ids = inBatch.toArray(UUID[]::new);
        Set<UUID> chains = byCompany.keySet();
        return Uni.createFrom().deferred(() -> {
            stream.appending(chains);
            return append(byCompany, null)
                    .onFailure(AuditAppender::refusedAsStored).recoverWithUni(() -> append(byCompany, ids));
        }).onTermination().invoke((written, failure, cancelled) -> stream.appendEnded(chains,
                failure == null && !cancelled ? written : null))
                .map(List::size);
    }

    /** One attempt: with {@code redeliveryCheck} (the batch's event ids), events the trail holds are left out first. */
    private Uni<List<AuditStreamRelay.Chained>> append(Map<UUID, List<Incoming>> byCompany, UUID[] redeliveryCheck) {
        UUID[] companies = byCompany.keySet().toArray(UUID[]::new);
        return pool.withTransaction(tx -> tx.query(PLAN_SETTINGS_SQL).execute()
                .chain(() -> tx.preparedQuery("insert into audit_heads (company_id, seq, hash)"
                        + " select unnest($1::uuid[]), 0, $2 on conflict do nothing")
                        .execute(Tuple.of(companies, AuditChain.GENESIS)))
                .chain(() -> tx.preparedQuery("select company_id, seq, hash from audit_heads where company_id = any($1)"
                        + " order by company_id for update").execute(Tuple.of((Object) companies)))
                .chain(heads -> redeliveryCheck == null
                        ? writeChains(tx, byCompany, Set.of(), heads)
                        : tx.preparedQuery(ALREADY_STORED_SQL).execute(Tuple.of((Object) redeliveryCheck)).chain(stored -> {
                            Set<UUID> already = new HashSet<>();
                            stored.forEach(row -> already.add(row.getUUID(0)));
                            return writeChains(tx, byCompany, already, heads);
                        })));
    }

    /** The event-id index refused a row: the batch holds an event the trail already has. */
    static boolean refusedAsStored(Throwable failure) {
        return failure instanceof PgException pg && UNIQUE_VIOLATION.equals(pg.getSqlState())
                && EVENT_ID_INDEX.equals(pg.getConstraint());
    }

    private static final String UNIQUE_VIOLATION = "23505";
    private static final String EVENT_ID_INDEX = "audit_events_event_id_key";

    /** Which of a batch's events the trail already holds (a redelivery). */
    static final String ALREADY_STORED_SQL = "select event_id from audit_events where event_id = any($1)";

    /**
     * The setting the append transaction plans its statements under. Each connection plans a
     * statement once, generically, and keeps that plan until the table's statistics change: planned
     * against a trail that was empty (a new installation), the redelivery check is a sequential
     * scan, and where nothing analyzes the table afterwards (autovacuum off, as on some managed or
     * test servers) every batch kept scanning the whole, growing trail — measured at 250 ms a batch
     * once it held 180,000 events, holding back every other transaction's clean-up meanwhile. The
     * check reads the event-id index whatever the statistics say.
     */
    static final String PLAN_SETTINGS_SQL = "set local enable_seqscan = off";

    /** A batch's rows as one multi-row insert: one execution however many events the batch holds. */
    private static final String INSERT_EVENTS_SQL = "insert into audit_events (company_id, seq, event_id, type, source, occurred_at,"
            + " actor_type, actor_id, subject_type, subject_id, data, prev_hash, hash)"
            + " select * from unnest($1::uuid[], $2::bigint[], $3::uuid[], $4::text[], $5::text[], $6::timestamptz[],"
            + " $7::text[], $8::text[], $9::text[], $10::text[], $11::text[]::jsonb[], $12::text[], $13::text[])";

    private Uni<List<AuditStreamRelay.Chained>> writeChains(SqlConnection tx, Map<UUID, List<Incoming>> byCompany, Set<UUID> already,
                                     io.vertx.mutiny.sqlclient.RowSet<io.vertx.mutiny.sqlclient.Row> heads) {
        List<AuditStreamRelay.Chained> rows = new ArrayList<>();
        List<Tuple> newHeads = new ArrayList<>();
        for (var head : heads) {
            UUID company = head.getUUID("company_id");
            long seq = head.getLong("seq");
            String prev = head.getString("hash");
            List<Incoming> events = byCompany.get(company).stream().filter(e -> !already.contains(e.id())).toList();
            if (events.isEmpty()) {
                continue;
            }
            for (Incoming e : events) {
                seq++;
                String hash = AuditChain.hash(prev, seq, e.id(), e.companyId(), e.type(), e.occurredAt(),
                        e.actorType(), e.actorId(), e.subjectType(), e.subjectId(), e.data());
                String data = e.data() == null || e.data().isNull() ? null : e.data().toString();
                rows.add(new AuditStreamRelay.Chained(company, seq, e.id(), e.type(), e.source(), e.occurredAt(),
                        e.actorType(), e.actorId(), e.subjectType(), e.subjectId(), data, prev, hash));
                prev = hash;
            }
            newHeads.add(Tuple.of(company, seq, prev));
        }
        if (rows.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        Tuple columns = Tuple.tuple()
                .addArrayOfUUID(rows.stream().map(AuditStreamRelay.Chained::companyId).toArray(UUID[]::new))
                .addArrayOfLong(rows.stream().map(AuditStreamRelay.Chained::seq).toArray(Long[]::new))
                .addArrayOfUUID(rows.stream().map(AuditStreamRelay.Chained::eventId).toArray(UUID[]::new))
                .addArrayOfString(rows.stream().map(AuditStreamRelay.Chained::type).toArray(String[]::new))
                .addArrayOfString(rows.stream().map(AuditStreamRelay.Chained::source).toArray(String[]::new))
                .addArrayOfOffsetDateTime(rows.stream().map(AuditStreamRelay.Chained::occurredAt).toArray(OffsetDateTime[]::new))
                .addArrayOfString(rows.stream().map(AuditStreamRelay.Chained::actorType).toArray(String[]::new))
                .addArrayOfString(rows.stream().map(AuditStreamRelay.Chained::actorId).toArray(String[]::new))
                .addArrayOfString(rows.stream().map(AuditStreamRelay.Chained::subjectType).toArray(String[]::new))
                .addArrayOfString(rows.stream().map(AuditStreamRelay.Chained::subjectId).toArray(String[]::new))
                .addArrayOfString(rows.stream().map(AuditStreamRelay.Chained::data).toArray(String[]::new))
                .addArrayOfString(rows.stream().map(AuditStreamRelay.Chained::prevHash).toArray(String[]::new))
                .addArrayOfString(rows.stream().map(AuditStreamRelay.Chained::hash).toArray(String[]::new));
        return tx.preparedQuery(INSERT_EVENTS_SQL).execute(columns)
                .chain(() -> tx.preparedQuery("update audit_heads set seq = $2, hash = $3 where company_id = $1").executeBatch(newHeads))
                .replaceWith(rows);
    }

    private static String required(JsonNode node, String field) {
        String value = text(node, field);
        if (value == null || value.isBlank()) {
            throw new PoisonEventException("missing " + field);
        }
        return value;
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
