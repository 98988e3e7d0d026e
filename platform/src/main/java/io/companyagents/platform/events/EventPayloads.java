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
}
