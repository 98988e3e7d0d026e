package io.companyagents.agents.rest;

import io.companyagents.agents.domain.Notification;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/** Request and response shapes of notifications. */
public final class NotificationApi {

    private NotificationApi() {
    }

    public record CreateNotification(
            @NotBlank @Size(max = 64) @Pattern(regexp = "[a-z0-9][a-z0-9_.-]*", message = "lowercase letters, digits, '_', '.' and '-'") String kind,
            @NotNull @Size(min = 1, max = 100) List<@NotNull UUID> recipients,
            @NotBlank @Size(max = 200) String title,
            @Size(max = 10_000) String body,
            Boolean requiresAck) {
    }

    public record RecipientView(UUID agentId, OffsetDateTime ackedAt) {
    }

    public record NotificationView(UUID id, String kind, List<RecipientView> recipients, String title, String body,
                                   boolean requiresAck, String createdByType, String createdBy, OffsetDateTime createdAt) {

        public static NotificationView of(Notification n) {
            List<RecipientView> recipients = n.recipients.stream().map(agent -> {
                String acked = n.acks.get(agent.toString());
                return new RecipientView(agent, acked == null ? null : OffsetDateTime.parse(acked));
            }).toList();
            return new NotificationView(n.id, n.kind, recipients, n.title, n.body, n.requiresAck, n.createdByType,
                    n.createdBy, n.createdAt);
        }
    }
}
