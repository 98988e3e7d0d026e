package io.companyagents.agents.rest;

import io.companyagents.agents.domain.Integration;
import io.companyagents.agents.domain.IntegrationStatus;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.OffsetDateTime;
import java.util.Map;
import java.util.UUID;

/** Request and response shapes of integrations. */
public final class IntegrationApi {

    static final String KIND_DOC = "the outside system, e.g. github, linear, jira, slack";
    static final String CONFIG_DOC = "settings (a JSON object); never put a credential here, name a secret in credentialSecretId";
    static final String STATE_DOC = "the syncer's cursor, a JSON object opaque to the service; move it with PATCH and "
            + "If-Match so two syncs cannot overwrite each other (412 for the one that read a stale version)";

    private IntegrationApi() {
    }

    public record CreateIntegration(
            @Schema(description = KIND_DOC, examples = "github")
            @NotBlank @Size(max = 64) @Pattern(regexp = AgentApi.ADAPTER_PATTERN, message = AgentApi.ADAPTER_MESSAGE) String kind,
            @Schema(description = CONFIG_DOC) Map<String, Object> config,
            @Schema(description = "default active") IntegrationStatus status,
            @Schema(description = STATE_DOC) Map<String, Object> state,
            @Schema(description = "a secret in secrets-service holding the credential") UUID credentialSecretId) {
    }

    /** PATCH body (merge patch); {@code kind} is read-only, {@code state: null} clears the cursor. */
    public record UpdateIntegration(
            @Schema(description = CONFIG_DOC) @NotNull Map<String, Object> config,
            @NotNull IntegrationStatus status,
            @Schema(description = STATE_DOC) Map<String, Object> state,
            UUID credentialSecretId) {
    }

    public record IntegrationView(UUID id, String kind, Map<String, Object> config, IntegrationStatus status,
                                  Map<String, Object> state, UUID credentialSecretId, OffsetDateTime createdAt,
                                  OffsetDateTime updatedAt, long version) {

        public static IntegrationView of(Integration i) {
            return new IntegrationView(i.id, i.kind, i.config, i.status, i.state, i.credentialSecretId, i.createdAt,
                    i.updatedAt, i.version);
        }
    }
}
