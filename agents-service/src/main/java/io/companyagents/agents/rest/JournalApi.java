package io.companyagents.agents.rest;

import io.companyagents.agents.domain.JournalEntry;
import io.companyagents.agents.domain.JournalKind;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import java.time.OffsetDateTime;
import java.util.UUID;

/** Request and response shapes of an agent's journal. */
public final class JournalApi {

    private JournalApi() {
    }

    public record CreateJournalEntry(@NotNull JournalKind kind, @NotBlank @Size(max = 20_000) String body, UUID taskId) {
    }

    public record JournalEntryView(UUID id, UUID agentId, JournalKind kind, String body, UUID taskId,
                                   String createdByType, String createdBy, OffsetDateTime createdAt) {

        public static JournalEntryView of(JournalEntry j) {
            return new JournalEntryView(j.id, j.agentId, j.kind, j.body, j.taskId, j.createdByType, j.createdBy,
                    j.createdAt);
        }
    }
}
