package io.companyagents.tasks.domain;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/** A task row as stored (with the live lease, if any). */
public record Task(UUID id, UUID companyId, long number, String identifier, String title, String description,
                   JsonNode acceptanceCriteria, TaskStatus status, TaskStatus rememberedStatus, String blockedReason,
                   String pauseReason, int priority, UUID parentTaskId, UUID projectId, UUID productId, UUID teamId,
                   UUID assigneeAgentId, ReviewPolicy reviewPolicy, List<String> labels, int unmetDependencies,
                   int attempts, int maxAttempts, boolean everClaimed, UUID workerAgentId, long leaseEpoch,
                   UUID leaseId, UUID leaseAgentId, String leaseKind, Integer leaseSeconds,
                   OffsetDateTime leaseExpiresAt, boolean leaseLive, UUID runId, String branchName, Integer prNumber,
                   String prUrl, String createdBy, OffsetDateTime createdAt, OffsetDateTime updatedAt, long version,
                   List<UUID> blockedBy, List<UUID> blocks, long children) {

    public boolean heldBy(UUID agentId) {
        return leaseLive && leaseAgentId != null && leaseAgentId.equals(agentId);
    }
}
