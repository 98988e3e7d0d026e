package io.companyagents.tasks.domain;

import java.util.Set;
import java.util.UUID;

/**
 * What tasks-service knows of an agent (a projection of ca.agents.v1 and of budget stops).
 * An agent the projection has not heard of yet is treated as active with no role.
 */
public record AgentState(UUID agentId, UUID teamId, String role, String status, boolean budgetStopped) {

    private static final Set<String> REVIEWER_ROLES = Set.of("qa", "reviewer");
    private static final Set<String> MANAGER_ROLES = Set.of("manager", "ceo", "pm", "cto");

    public boolean canWork() {
        return status == null || status.equals("active") || status.equals("idle");
    }

    public boolean reviews() {
        return role != null && REVIEWER_ROLES.contains(role);
    }

    public boolean documents() {
        return "documenter".equals(role);
    }

    public boolean manages() {
        return role != null && MANAGER_ROLES.contains(role);
    }

    public boolean isCeo() {
        return "ceo".equals(role);
    }
}
