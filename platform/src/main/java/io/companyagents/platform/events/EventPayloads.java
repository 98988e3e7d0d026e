package io.companyagents.platform.events;

import java.time.OffsetDateTime;
import java.util.UUID;

/** One payload record per event type (the {@code data} of the CloudEvent). */
public final class EventPayloads {
    private EventPayloads() {
    }

    public record CompanyChanged(UUID id, String name, String slug, String description, String status,
                                 String defaultReviewPolicy, OffsetDateTime createdAt, long version) {
    }

    /** An agent as other services need to know it (tasks-service keeps a projection of this). */
    public record AgentChanged(UUID id, String name, UUID teamId, String role, String title, UUID reportsTo,
                               String status, String pauseReason, long version) {
    }

    public record TaskChanged(UUID id, String identifier, String title, String status, int priority, UUID parentTaskId,
                              UUID projectId, UUID productId, UUID teamId, UUID assigneeAgentId, String reviewPolicy,
                              java.util.List<String> labels, long version) {
    }

    public record TaskStatusChanged(UUID id, String identifier, String from, String to, String action, String reason,
                                    long leaseEpoch, int attempts, long version) {
    }

    public record TaskDependency(UUID taskId, UUID dependsOnTaskId) {
    }

    public record TaskCommented(UUID taskId, UUID commentId, String authorType, String authorId) {
    }

    public record LeaseChanged(UUID leaseId, UUID taskId, UUID agentId, UUID runId, long leaseEpoch, String kind,
                               OffsetDateTime expiresAt) {
    }

    public record RunStarted(UUID runId, UUID taskId, UUID agentId, UUID leaseId, long leaseEpoch) {
    }

    /** Usage travels to the ledger, which records it as a cost entry (idempotent by event id). */
    public record Usage(String provider, String model, long inputTokens, long outputTokens, Long cachedInputTokens,
                        Long costMicros) {
    }

    public record RunFinished(UUID runId, UUID taskId, UUID agentId, UUID projectId, UUID teamId, String status,
                              String summary, Usage usage) {
    }

    public record CostRecorded(UUID entryId, UUID agentId, UUID teamId, UUID taskId, UUID runId, UUID projectId,
                               String provider, String model, long inputTokens, long outputTokens,
                               long cachedInputTokens, long costMicros, OffsetDateTime occurredAt) {
    }

    /**
     * A budget crossing its warning or its limit, or recovering. {@code agentIds} names the
     * agents in scope when the ledger knows them; for a company or team scope consumers resolve
     * the scope themselves.
     */
    public record BudgetStateChanged(UUID budgetId, String scopeType, UUID scopeId, String window, String windowStart,
                                     long limitMicros, long spentMicros, boolean hardStop, String state) {
    }

    public record TeamChanged(UUID id, String name, String description, UUID leadAgentId, long version) {
    }

    /** A project's git settings; whether a token is stored, never the token. */
    public record ProjectChanged(UUID id, String name, String gitUrl, String defaultBranch,
                                 java.util.List<String> protectedBranches, UUID teamId, boolean hasGitToken,
                                 long version) {
    }

    /** A secret's metadata after a change; never its value. */
    public record SecretChanged(UUID id, String name, String description, String kind, int currentVersion,
                                OffsetDateTime createdAt, OffsetDateTime updatedAt, OffsetDateTime deletedAt,
                                OffsetDateTime destroyedAt) {
    }

    /** Who read which version of a secret and why; never the value. */
    public record SecretRevealed(UUID secretId, String name, int version, String reason) {
    }

    public record SecretGrantChanged(UUID secretId, String name, UUID agentId) {
    }

    /** A key-encryption-key rotation: the versions involved and how many data keys it re-wraps. */
    public record KekRotationChanged(UUID rotationId, String provider, int fromVersion, int toVersion, long total,
                                     long rewrapped, long skipped) {
    }

    /** A budget as configured (created, changed or deleted); its crossings are {@link BudgetStateChanged}. */
    public record BudgetChanged(UUID budgetId, String scopeType, UUID scopeId, String window, long limitMicros,
                                int warnPercent, boolean hardStop, long version) {
    }

    public record MemoryScopeChanged(UUID id, String name, String kind, UUID ownerId) {
    }

    /** That an entry was written and by whom; its content stays in agents-service. */
    public record MemoryEntryCreated(UUID id, UUID scopeId, java.util.List<String> tags, String createdByType,
                                     String createdBy) {
    }

    public record JournalEntryCreated(UUID id, UUID agentId, String kind, UUID taskId) {
    }

    public record NotificationCreated(UUID id, String kind, java.util.List<UUID> recipients, String title,
                                      boolean requiresAck) {
    }

    public record NotificationAcked(UUID id, UUID agentId, OffsetDateTime ackedAt) {
    }

    public record ApprovalChanged(UUID id, String kind, String status, String requestedByType, String requestedBy,
                                  String decidedBy, long version) {
    }

    /**
     * An integration after a change: what changed ({@code config}, {@code status}, {@code state},
     * {@code credentialSecretId}) but not the config or the sync cursor themselves.
     */
    public record IntegrationChanged(UUID id, String kind, String status, UUID credentialSecretId,
                                     java.util.List<String> changed, long version) {
    }

    /** A product and its per-team project map (team id → project id). */
    public record ProductChanged(UUID id, String name, String description, java.util.Map<UUID, UUID> projects,
                                 long version) {
    }
}
