package io.companyagents.secrets.domain;

import java.time.OffsetDateTime;
import java.util.UUID;

/** A secret's metadata; its values live only as sealed versions. */
public record Secret(UUID id, UUID companyId, String name, String description, SecretKind kind, UUID projectId,
                     int currentVersion, OffsetDateTime createdAt, OffsetDateTime updatedAt, OffsetDateTime deletedAt,
                     OffsetDateTime destroyedAt) {

    /** Deleted (a tombstone that still holds its name) or destroyed. */
    public boolean deleted() {
        return deletedAt != null;
    }

    public boolean destroyed() {
        return destroyedAt != null;
    }

    public Secret withNewVersion(int version, OffsetDateTime at) {
        return new Secret(id, companyId, name, description, kind, projectId, version, createdAt, at, deletedAt,
                destroyedAt);
    }

    public Secret asDeleted(OffsetDateTime at) {
        return new Secret(id, companyId, name, description, kind, projectId, currentVersion, createdAt, at,
                deletedAt == null ? at : deletedAt, destroyedAt);
    }

    public Secret asDestroyed(OffsetDateTime at) {
        return new Secret(id, companyId, name, description, kind, projectId, currentVersion, createdAt, at,
                deletedAt == null ? at : deletedAt, at);
    }
}
