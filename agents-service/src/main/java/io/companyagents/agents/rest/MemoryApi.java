package io.companyagents.agents.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.companyagents.agents.domain.MemoryEntry;
import io.companyagents.agents.domain.MemoryScope;
import io.companyagents.agents.domain.MemoryScopeKind;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Request and response shapes of the memory endpoints. */
public final class MemoryApi {

    /** pgvector's limit on dimensions. */
    static final int MAX_DIMENSIONS = 16000;

    private MemoryApi() {
    }

    public record CreateMemoryScope(
            @NotBlank @Size(max = 200) String name,
            @NotNull MemoryScopeKind kind,
            @Schema(description = "the team, agent, project or task the scope belongs to; none (or the company) for a company scope")
            UUID ownerId,
            @Schema(description = "task scopes only: the agent working the task, the one agent that uses the scope; "
                    + "defaults to the calling agent")
            UUID ownerAgentId) {
    }

    public record MemoryScopeView(UUID id, String name, MemoryScopeKind kind, UUID ownerId, UUID ownerAgentId,
                                  OffsetDateTime createdAt) {

        public static MemoryScopeView of(MemoryScope m) {
            return new MemoryScopeView(m.id, m.name, m.kind, m.ownerId, m.ownerAgentId, m.createdAt);
        }
    }

    public record CreateMemoryEntry(
            @NotBlank @Size(max = 100_000) String content,
            @Size(max = 50) List<@NotBlank @Size(max = 100) String> tags,
            Map<String, Object> metadata,
            @Schema(description = "optional embedding; kept even where semantic search is unavailable")
            @Size(min = 1, max = MAX_DIMENSIONS) float[] embedding,
            @Schema(description = "the run (tasks-service) the entry was written in")
            UUID runId) {
    }

    public record SearchMemoryEntries(
            @NotNull @Size(min = 1, max = MAX_DIMENSIONS) float[] embedding,
            @Schema(description = "how many entries, 1..100, default 10") @Min(1) @Max(100) Integer k) {
    }

    public record MemoryEntryView(UUID id, UUID scopeId, String content, List<String> tags, Map<String, Object> metadata,
                                  @JsonInclude(JsonInclude.Include.NON_NULL) float[] embedding, String createdByType,
                                  String createdBy, UUID runId, OffsetDateTime createdAt) {

        public static MemoryEntryView of(MemoryEntry e) {
            return new MemoryEntryView(e.id, e.scopeId, e.content, e.tags, e.metadata, e.embedding, e.createdByType,
                    e.createdBy, e.runId, e.createdAt);
        }
    }

    public record MemorySearchResult(List<MemoryEntryView> items) {
    }
}
