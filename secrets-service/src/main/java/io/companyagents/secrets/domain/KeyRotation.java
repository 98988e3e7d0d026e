package io.companyagents.secrets.domain;

import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * A KEK rotation: re-wraps every live data key below {@code toVersion}, in keyset order from
 * the persisted cursor. {@code skipped} counts data keys of the current pass that would not
 * unwrap (altered rows); they stay on their old version and are reported, never guessed at.
 */
public record KeyRotation(UUID id, String provider, int fromVersion, int toVersion, String status, long total,
                          long rewrapped, long skipped, int passes, UUID cursorSecretId, Integer cursorVersion,
                          int failedAttempts, OffsetDateTime lastFailureAt, String requestedBy,
                          OffsetDateTime startedAt, OffsetDateTime updatedAt, OffsetDateTime completedAt) {

    public static final String RUNNING = "running";
    public static final String COMPLETED = "completed";

    public boolean running() {
        return RUNNING.equals(status);
    }
}
