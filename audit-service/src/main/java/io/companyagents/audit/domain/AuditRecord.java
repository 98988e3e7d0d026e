package io.companyagents.audit.domain;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.OffsetDateTime;
import java.util.UUID;

/** One entry of a company's audit trail, as stored and served. */
public record AuditRecord(long seq, UUID id, UUID companyId, String type, String source, OffsetDateTime occurredAt,
                          OffsetDateTime recordedAt, String actorType, String actorId, String subjectType,
                          String subjectId, JsonNode data, String hash, String prevHash) {
}
