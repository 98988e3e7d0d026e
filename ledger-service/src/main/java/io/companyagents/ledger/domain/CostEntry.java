package io.companyagents.ledger.domain;

import java.time.OffsetDateTime;
import java.util.UUID;

/** One recorded cost, as stored. */
public record CostEntry(UUID id, UUID companyId, UUID agentId, UUID teamId, UUID taskId, UUID runId, UUID projectId,
                        String provider, String model, long inputTokens, long outputTokens, long cachedInputTokens,
                        long costMicros, String costSource, String source, OffsetDateTime occurredAt,
                        OffsetDateTime recordedAt) {
}
