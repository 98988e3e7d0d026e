package io.companyagents.secrets.rest;

import io.companyagents.secrets.domain.Grant;
import io.companyagents.secrets.domain.KeyRotation;
import io.companyagents.secrets.domain.Secret;
import io.companyagents.secrets.domain.SecretKind;
import io.companyagents.secrets.repository.GrantRepository;
import io.companyagents.secrets.service.KeyRotationService.KeyStatus;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/**
 * Request and response shapes of the secrets endpoints. Records that carry a value redact it
 * from {@code toString}, so a log line can never show one.
 */
public final class SecretApi {

    /** Longest value accepted, in characters. */
    public static final int MAX_VALUE = 65_536;

    private SecretApi() {
    }

    public record CreateSecret(
            @NotBlank @Size(max = 128)
            @Pattern(regexp = "[A-Za-z0-9][A-Za-z0-9._/-]*", message = "letters, digits and . _ / - (starting with a letter or digit)")
            String name,
            @Schema(writeOnly = true, description = "the secret value; never returned except by reveal")
            @NotNull @Size(min = 1, max = MAX_VALUE) String value,
            @Size(max = 1000) String description) {

        /**
         * What an Idempotency-Key retry is compared on. The value is left out: the key's stored
         * request hash would otherwise be an unsalted digest of the secret.
         */
        public Fingerprint fingerprint() {
            return new Fingerprint(name, description);
        }

        @Override
        public String toString() {
            return "CreateSecret[name=" + name + ", value=***, description=" + description + "]";
        }
    }

    public record Fingerprint(String name, String description) {
    }

    public record NewValue(
            @Schema(writeOnly = true) @NotNull @Size(min = 1, max = MAX_VALUE) String value) {

        @Override
        public String toString() {
            return "NewValue[value=***]";
        }
    }

    public record RevealRequest(
            @NotBlank @Size(max = 500) String reason,
            @Schema(description = "the version to reveal; the current one when absent") @Positive Integer version) {
    }

    public record RevealedValue(String value, int version) {

        @Override
        public String toString() {
            return "RevealedValue[value=***, version=" + version + "]";
        }
    }

    /** A secret's metadata: never its value. */
    public record SecretView(UUID id, String name, String description, SecretKind kind, int currentVersion,
                             OffsetDateTime createdAt, OffsetDateTime updatedAt, OffsetDateTime deletedAt,
                             OffsetDateTime destroyedAt) {

        public static SecretView of(Secret s) {
            return new SecretView(s.id(), s.name(), s.description(), s.kind(), s.currentVersion(), s.createdAt(),
                    s.updatedAt(), s.deletedAt(), s.destroyedAt());
        }
    }

    public record GrantRequest(@NotNull UUID agentId) {
    }

    public record GrantView(UUID secretId, UUID agentId, OffsetDateTime grantedAt, String grantedByType,
                            String grantedById) {

        public static GrantView of(Grant g) {
            return new GrantView(g.secretId(), g.agentId(), g.grantedAt(), g.grantedByType(), g.grantedById());
        }

        public static GrantView of(GrantRepository.Added added) {
            return of(added.grant());
        }
    }

    /** The KEK as metadata (provider, version numbers) and the latest rotation's progress. */
    public record KeyStatusView(String provider, int primaryVersion, List<Integer> versions, RotationView rotation) {

        public static KeyStatusView of(KeyStatus s) {
            return new KeyStatusView(s.provider(), s.primaryVersion(), s.versions(),
                    s.rotation() == null ? null : RotationView.of(s.rotation(), s.remaining()));
        }
    }

    public record RotationView(UUID id, String status, String provider, int fromVersion, int toVersion, long total,
                               long rewrapped, long skipped, long remaining, int passes, int failedAttempts,
                               OffsetDateTime lastFailureAt, OffsetDateTime startedAt, OffsetDateTime updatedAt,
                               OffsetDateTime completedAt) {

        static RotationView of(KeyRotation r, long remaining) {
            return new RotationView(r.id(), r.status(), r.provider(), r.fromVersion(), r.toVersion(), r.total(),
                    r.rewrapped(), r.skipped(), remaining, r.passes(), r.failedAttempts(), r.lastFailureAt(),
                    r.startedAt(), r.updatedAt(), r.completedAt());
        }
    }

    public record ProjectTokenRequest(
            @Schema(writeOnly = true) @NotNull @Size(min = 1, max = 4096) String token) {

        @Override
        public String toString() {
            return "ProjectTokenRequest[token=***]";
        }
    }

    /** Whether a project has a git token; never the token. */
    public record ProjectTokenView(UUID projectId, boolean hasGitToken, UUID secretId, Integer currentVersion,
                                   OffsetDateTime updatedAt) {

        public static ProjectTokenView of(UUID projectId, Secret s) {
            return s == null ? new ProjectTokenView(projectId, false, null, null, null)
                    : new ProjectTokenView(projectId, true, s.id(), s.currentVersion(), s.updatedAt());
        }
    }
}
