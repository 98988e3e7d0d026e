package io.companyagents.tasks.rest;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.companyagents.tasks.domain.ReviewPolicy;
import io.companyagents.tasks.domain.Task;
import io.companyagents.tasks.domain.TaskStatus;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/** Request and response shapes of the work API (API.md, Work). */
public final class TaskApi {

    private TaskApi() {
    }

    /** An acceptance criterion: a plain string, or {@code {id?, text, done?}}. */
    public record Criterion(UUID id, @NotBlank @Size(max = 2000) String text, Boolean done) {
        @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
        public static Criterion of(String text) {
            return new Criterion(null, text, null);
        }
    }

    public record CreateTask(
            @NotBlank @Size(max = 500) String title,
            @Size(max = 20000) String description,
            @Size(max = 100) List<@Valid @NotNull Criterion> acceptanceCriteria,
            @Min(0) @Max(3) Integer priority,
            UUID parentTaskId,
            @Size(max = 100) List<@NotNull UUID> dependsOn,
            UUID projectId,
            UUID productId,
            UUID teamId,
            UUID assigneeAgentId,
            ReviewPolicy reviewPolicy,
            @Size(max = 50) List<@NotBlank @Size(max = 64) String> labels,
            @Pattern(regexp = "pending|backlog", message = "a task is created pending or backlog") String status,
            @Min(1) @Max(100) Integer maxAttempts) {
    }

    /** PATCH body: every field optional; lifecycle fields change only through actions. */
    public record PatchTask(
            @Size(min = 1, max = 500) String title,
            @Size(max = 20000) String description,
            @Size(max = 100) List<@Valid @NotNull Criterion> acceptanceCriteria,
            @Min(0) @Max(3) Integer priority,
            UUID teamId,
            UUID assigneeAgentId,
            ReviewPolicy reviewPolicy,
            @Size(max = 50) List<@NotBlank @Size(max = 64) String> labels,
            @Size(max = 200) String branchName,
            Integer prNumber,
            @Size(max = 2000) String prUrl) {
    }

    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record LeaseView(UUID id, UUID agentId, long leaseEpoch, String kind, OffsetDateTime expiresAt) {
    }

    public record TaskView(UUID id, UUID companyId, String identifier, String title, String description,
                           JsonNode acceptanceCriteria, TaskStatus status, String blockedReason, String pauseReason,
                           int priority, UUID parentTaskId, UUID projectId, UUID productId, UUID teamId,
                           UUID assigneeAgentId, ReviewPolicy reviewPolicy, List<String> labels, List<UUID> blockedBy,
                           List<UUID> blocks, long children, int attempts, int maxAttempts, long leaseEpoch,
                           LeaseView lease, UUID runId, String branchName, Integer prNumber, String prUrl,
                           String createdBy, OffsetDateTime createdAt, OffsetDateTime updatedAt, long version) {

        public static TaskView of(Task t) {
            LeaseView lease = t.leaseId() == null ? null
                    : new LeaseView(t.leaseId(), t.leaseAgentId(), t.leaseEpoch(), t.leaseKind(), t.leaseExpiresAt());
            return new TaskView(t.id(), t.companyId(), t.identifier(), t.title(), t.description(), t.acceptanceCriteria(),
                    t.status(), t.blockedReason(), t.pauseReason(), t.priority(), t.parentTaskId(), t.projectId(),
                    t.productId(), t.teamId(), t.assigneeAgentId(), t.reviewPolicy(), t.labels(), t.blockedBy(),
                    t.blocks(), t.children(), t.attempts(), t.maxAttempts(), t.leaseEpoch(), lease, t.runId(),
                    t.branchName(), t.prNumber(), t.prUrl(), t.createdBy(), t.createdAt(), t.updatedAt(), t.version());
        }
    }

    public record ActionRequest(@Size(max = 2000) String reason, Long leaseEpoch, Integer prNumber,
                                @Size(max = 2000) String prUrl, @Size(max = 200) String branchName) {
    }

    public record ClaimRequest(@NotNull UUID agentId, @Min(5) @Max(3600) Integer leaseSeconds, UUID teamId,
                               @Size(max = 50) List<@NotBlank String> labels) {
    }

    public record ClaimedRun(UUID id) {
    }

    public record ClaimResponse(TaskView task, LeaseView lease, ClaimedRun run) {
    }

    public record HeartbeatRequest(@NotNull Long leaseEpoch, @Size(max = 2000) String progress) {
    }

    public record HeartbeatResponse(UUID leaseId, long leaseEpoch, OffsetDateTime expiresAt) {
    }

    public record DependencyRequest(@NotNull UUID dependsOnTaskId) {
    }

    public record CommentRequest(@NotBlank @Size(max = 20000) String body) {
    }

    public record CommentView(UUID id, UUID taskId, String authorType, String authorId, String body,
                              OffsetDateTime createdAt) {
    }
}
