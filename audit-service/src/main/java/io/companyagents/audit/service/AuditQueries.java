package io.companyagents.audit.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.companyagents.audit.domain.AuditChain;
import io.companyagents.audit.domain.AuditRecord;
import io.companyagents.platform.paging.Page;
import io.companyagents.platform.paging.PageRequest;
import io.companyagents.platform.paging.Where;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Reads the trail: filtered keyset pages, and the chain verification. */
@ApplicationScoped
public class AuditQueries {

    private static final String COLUMNS = "company_id, seq, event_id, type, source, occurred_at, recorded_at, actor_type,"
            + " actor_id, subject_type, subject_id, data::text as data, prev_hash, hash";
    private static final int VERIFY_BATCH = 2000;

    @Inject
    Pool pool;

    @Inject
    ObjectMapper mapper;

    public record Filter(String type, String actorId, String subjectType, String subjectId, OffsetDateTime from,
                         OffsetDateTime to) {
    }

    public record Verification(boolean ok, long checked, long headSeq, String headHash,
                               @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL) Long firstBadSeq) {
    }

    public Uni<Page<AuditRecord>> list(UUID companyId, Filter filter, PageRequest page) {
        Where where = new Where("company_id = ", companyId);
        where.and("type = ", filter.type());
        where.and("actor_id = ", filter.actorId());
        where.and("subject_type = ", filter.subjectType());
        where.and("subject_id = ", filter.subjectId());
        where.and("occurred_at >= ", filter.from());
        where.and("occurred_at < ", filter.to());
        where.and("seq > ", page.afterSeq());
        String limit = where.param(page.fetchSize());
        String sql = "select " + COLUMNS + " from audit_events where " + where.sql() + " order by seq limit " + limit;
        return pool.preparedQuery(sql).execute(where.tuple())
                .map(rows -> {
                    List<AuditRecord> records = new ArrayList<>();
                    rows.forEach(r -> records.add(toRecord(r)));
                    return page.page(records, r -> Long.toString(r.seq()));
                });
    }

    /** The next events after a seq, in order (the SSE stream's feed). */
    public Uni<List<AuditRecord>> after(UUID companyId, long afterSeq, int limit) {
        return pool.preparedQuery("select " + COLUMNS + " from audit_events where company_id = $1 and seq > $2 order by seq limit $3")
                .execute(Tuple.of(companyId, afterSeq, limit))
                .map(rows -> {
                    List<AuditRecord> records = new ArrayList<>();
                    rows.forEach(r -> records.add(toRecord(r)));
                    return records;
                });
    }

    /**
     * Recomputes a company's chain from seq 1 up to its head as read first, in batches; names the
     * first row that does not fit. Rows appended meanwhile are left for the next check. The head
     * and the highest stored seq are read in one statement, i.e. one snapshot, in which the
     * appender (head and rows in one transaction) leaves them equal: a row beyond the head there
     * was put in by someone else.
     */
    public Uni<Verification> verify(UUID companyId) {
        return pool.preparedQuery("select h.seq, h.hash, (select max(e.seq) from audit_events e where e.company_id = $1) as max_seq"
                        + " from (select $1::uuid as company_id) c left join audit_heads h on h.company_id = c.company_id")
                .execute(Tuple.of(companyId))
                .chain(heads -> {
                    Row head = heads.iterator().next();
                    long headSeq = head.getLong("seq") == null ? 0 : head.getLong("seq");
                    String headHash = head.getString("hash") == null ? AuditChain.GENESIS : head.getString("hash");
                    boolean beyondHead = head.getLong("max_seq") != null && head.getLong("max_seq") > headSeq;
                    return verifyFrom(companyId, 0, AuditChain.GENESIS, 0, headSeq, headHash)
                            .map(v -> v.ok() && beyondHead ? new Verification(false, v.checked(), headSeq, headHash, headSeq + 1) : v);
                });
    }

    private Uni<Verification> verifyFrom(UUID companyId, long afterSeq, String prevHash, long checked, long headSeq,
                                         String headHash) {
        // only up to the head read first: the chain goes on growing while it is checked, and a row
        // appended since then is not part of the chain this answer vouches for
        return pool.preparedQuery("select " + COLUMNS + " from audit_events where company_id = $1 and seq > $2 and seq <= $4"
                        + " order by seq limit $3")
                .execute(Tuple.of(companyId, afterSeq, VERIFY_BATCH, headSeq))
                .chain(rows -> {
                    long expectedSeq = afterSeq;
                    String prev = prevHash;
                    long count = checked;
                    for (Row row : rows) {
                        AuditRecord r = toRecord(row);
                        expectedSeq++;
                        count++;
                        if (r.seq() != expectedSeq || !r.prevHash().equals(prev) || !AuditChain.hash(r).equals(r.hash())) {
                            return Uni.createFrom().item(new Verification(false, count, headSeq, headHash, expectedSeq));
                        }
                        prev = r.hash();
                    }
                    if (rows.size() == VERIFY_BATCH) {
                        return verifyFrom(companyId, expectedSeq, prev, count, headSeq, headHash);
                    }
                    boolean headMatches = expectedSeq == headSeq && prev.equals(headHash);
                    return Uni.createFrom().item(new Verification(headMatches, count, headSeq, headHash,
                            headMatches ? null : Math.min(expectedSeq + 1, headSeq)));
                });
    }

    private AuditRecord toRecord(Row r) {
        String data = r.getString("data");
        JsonNode json;
        try {
            json = data == null ? null : mapper.readTree(data);
        } catch (Exception e) {
            throw new IllegalStateException("stored audit data is not JSON", e);
        }
        return new AuditRecord(r.getLong("seq"), r.getUUID("event_id"), r.getUUID("company_id"), r.getString("type"),
                r.getString("source"), r.getOffsetDateTime("occurred_at"), r.getOffsetDateTime("recorded_at"),
                r.getString("actor_type"), r.getString("actor_id"), r.getString("subject_type"),
                r.getString("subject_id"), json, r.getString("hash"), r.getString("prev_hash"));
    }
}
