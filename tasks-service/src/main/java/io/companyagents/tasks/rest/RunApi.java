package io.companyagents.tasks.rest;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/** Request and response shapes of runs (work sessions) and their event logs. */
public final class RunApi {

    private RunApi() {
    }

    public record Usage(@NotBlank @Size(max = 100) String provider, @NotBlank @Size(max = 200) String model,
                        @NotNull @PositiveOrZero Long inputTokens, @NotNull @PositiveOrZero Long outputTokens,
                        @PositiveOrZero Long cachedInputTokens, @PositiveOrZero Long costMicros) {
    }

    public record FinishRequest(@NotNull Long leaseEpoch,
                                @NotNull @Pattern(regexp = "succeeded|failed", message = "succeeded or failed") String outcome,
                                @Size(max = 20000) String summary,
                                @Size(max = 1000) List<@NotBlank @Size(max = 200) String> commits,
                                @Size(max = 10000) List<@NotBlank @Size(max = 1000) String> filesModified,
                                Integer prNumber, @Size(max = 2000) String prUrl,
                                @Size(max = 200) String branchName, @Size(max = 200) String baseBranch,
                                @Size(max = 200) String targetBranch,
                                @Pattern(regexp = "merged|conflict|rejected|not_merged", message = "merged, conflict, rejected or not_merged") String mergeOutcome,
                                @Valid Usage usage) {
    }

    public record RunView(UUID id, UUID taskId, UUID agentId, String kind, String status, long leaseEpoch,
                          OffsetDateTime startedAt, OffsetDateTime finishedAt, String branchName, String baseBranch,
                          String targetBranch, JsonNode commits, JsonNode filesModified, Integer prNumber, String prUrl,
                          String mergeOutcome, String summary, JsonNode usage) {
    }

    public record AppendEvent(@NotBlank @Size(max = 100) String kind,
                              @Pattern(regexp = "debug|info|warn|error", message = "debug, info, warn or error") String level,
                              @Size(max = 20000) String message, JsonNode data) {
    }

    public record RunEventView(long seq, String kind, String level, String message, JsonNode data,
                               OffsetDateTime createdAt) {
    }

    public record EventPage(List<RunEventView> items, Long nextAfterSeq) {
    }

}
