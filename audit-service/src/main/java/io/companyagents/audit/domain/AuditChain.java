package io.companyagents.audit.domain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The hash chain: {@code hash = SHA-256(prevHash + "\n" + canonical(event))}, where the
 * canonical form is JSON with keys sorted at every level, so the stored row (jsonb reorders
 * keys) always recomputes to the same hash.
 */
public final class AuditChain {

    public static final String GENESIS = "0".repeat(64);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private AuditChain() {
    }

    public static String hash(String prevHash, long seq, UUID id, UUID companyId, String type, OffsetDateTime occurredAt,
                              String actorType, String actorId, String subjectType, String subjectId, JsonNode data) {
        ObjectNode canonical = MAPPER.createObjectNode();
        canonical.put("actorId", actorId);
        canonical.put("actorType", actorType);
        canonical.put("companyId", companyId.toString());
        canonical.set("data", sorted(data));
        canonical.put("id", id.toString());
        canonical.put("occurredAt", instant(occurredAt));
        canonical.put("seq", seq);
        canonical.put("subjectId", subjectId);
        canonical.put("subjectType", subjectType);
        canonical.put("type", type);
        return sha256(prevHash + "\n" + canonical);
    }

    public static String hash(AuditRecord r) {
        return hash(r.prevHash(), r.seq(), r.id(), r.companyId(), r.type(), r.occurredAt(), r.actorType(), r.actorId(),
                r.subjectType(), r.subjectId(), r.data());
    }

    /** The timestamp as stored (microseconds, UTC), so the hash survives the database round trip. */
    public static String instant(OffsetDateTime t) {
        return DateTimeFormatter.ISO_INSTANT.format(t.truncatedTo(ChronoUnit.MICROS).withOffsetSameInstant(ZoneOffset.UTC).toInstant());
    }

    static JsonNode sorted(JsonNode node) {
        if (node == null || node.isNull()) {
            return MAPPER.nullNode();
        }
        if (node.isObject()) {
            List<Map.Entry<String, JsonNode>> fields = new ArrayList<>();
            node.fields().forEachRemaining(fields::add);
            fields.sort(Map.Entry.comparingByKey());
            ObjectNode out = MAPPER.createObjectNode();
            fields.forEach(e -> out.set(e.getKey(), sorted(e.getValue())));
            return out;
        }
        if (node.isArray()) {
            var out = MAPPER.createArrayNode();
            node.forEach(n -> out.add(sorted(n)));
            return out;
        }
        return node;
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
