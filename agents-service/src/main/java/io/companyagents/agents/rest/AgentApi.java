package io.companyagents.agents.rest;

import io.companyagents.agents.domain.Agent;
import io.companyagents.agents.domain.AgentStatus;
import io.companyagents.agents.domain.OrgChart;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Request and response shapes of the agent and org-chart endpoints. */
public final class AgentApi {

    static final String ROLE_DOC = "free text; known roles: ceo, cto, manager, engineer, qa, reviewer, documenter, designer, researcher";
    static final String ADAPTER_PATTERN = "[a-z0-9][a-z0-9_.-]*";
    static final String ADAPTER_MESSAGE = "lowercase letters, digits, '_', '.' and '-'";

    private AgentApi() {
    }

    public record CreateAgent(
            @NotBlank @Size(max = 200) String name,
            UUID teamId,
            @Schema(description = ROLE_DOC, examples = "engineer") @NotBlank @Size(max = 64) String role,
            @Size(max = 200) String title,
            UUID reportsTo,
            @Schema(description = "how the agent is run; default process", examples = "claude_local")
            @Size(max = 64) @Pattern(regexp = ADAPTER_PATTERN, message = ADAPTER_MESSAGE) String adapterType,
            @Schema(description = "adapter settings (a JSON object); never put a secret here, use secrets-service")
            Map<String, Object> adapterConfig,
            @Size(max = 100) List<@NotBlank @Size(max = 100) String> capabilities,
            @Min(5) @Max(86400) Integer heartbeatIntervalSeconds) {
    }

    /**
     * PATCH body (merge patch). {@code status} moves only between active and idle; pausing,
     * resuming and terminating are actions.
     */
    public record UpdateAgent(
            @NotBlank @Size(max = 200) String name,
            UUID teamId,
            @Schema(description = ROLE_DOC) @NotBlank @Size(max = 64) String role,
            @Size(max = 200) String title,
            UUID reportsTo,
            @Schema(description = "active or idle") @NotNull AgentStatus status,
            @NotBlank @Size(max = 64) @Pattern(regexp = ADAPTER_PATTERN, message = ADAPTER_MESSAGE) String adapterType,
            @NotNull Map<String, Object> adapterConfig,
            @NotNull @Size(max = 100) List<@NotBlank @Size(max = 100) String> capabilities,
            @NotNull @Min(5) @Max(86400) Integer heartbeatIntervalSeconds) {
    }

    /** Body of the pause action. */
    public record PauseAgent(@Size(max = 500) String reason) {
    }

    public record AgentView(UUID id, String name, UUID teamId, String role, String title, UUID reportsTo,
                            AgentStatus status, String pauseReason, String adapterType,
                            Map<String, Object> adapterConfig, List<String> capabilities,
                            int heartbeatIntervalSeconds, OffsetDateTime createdAt, long version) {

        public static AgentView of(Agent a) {
            return new AgentView(a.id, a.name, a.teamId, a.role, a.title, a.reportsTo, a.status, a.pauseReason,
                    a.adapterType, a.adapterConfig, a.capabilities, a.heartbeatIntervalSeconds, a.createdAt, a.version);
        }
    }

    /** One agent in the org chart with the agents reporting to it. */
    public record OrgNode(UUID id, String name, String role, String title, UUID teamId, AgentStatus status,
                          List<OrgNode> reports) {

        static OrgNode of(OrgChart.Node node) {
            Agent a = node.agent();
            return new OrgNode(a.id, a.name, a.role, a.title, a.teamId, a.status,
                    node.reports().stream().map(OrgNode::of).toList());
        }
    }

    public record OrgChartView(UUID companyId, int agents, List<OrgNode> roots) {
    }
}
