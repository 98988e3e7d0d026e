package io.companyagents.agents.domain;

import java.util.Objects;
import java.util.UUID;

/**
 * What an agent key may do with a memory scope. The board and admins use every scope of their
 * company (viewers only read); an agent uses the scopes it belongs to:
 * <ul>
 * <li>{@code company}: every agent of the company reads and writes;</li>
 * <li>{@code team}: the agents of that team read and write;</li>
 * <li>{@code agent}: that agent alone reads and writes;</li>
 * <li>{@code task}: the agent named as the scope's {@code ownerAgentId} (the one working the
 * task) reads and writes. Tasks live in tasks-service, so who holds one is what the scope
 * says, not a lookup of the lease;</li>
 * <li>{@code project}: every agent reads (a project's conventions are shared knowledge); the
 * agents of the project's team write, or every agent when the project has no team.</li>
 * </ul>
 * A scope an agent may not read does not exist for it (404); one it reads but may not write
 * refuses the write (403).
 */
public enum MemoryAccess {
    none, read, write;

    /** The calling agent, as far as memory is concerned. */
    public record AgentMember(UUID agentId, UUID teamId) {
    }

    /**
     * @param projectTeamId for a project scope, the project's team (null when it has none);
     *                      ignored for every other kind
     */
    public static MemoryAccess of(MemoryScopeKind kind, UUID ownerId, UUID ownerAgentId, AgentMember agent,
                                  UUID projectTeamId) {
        return switch (kind) {
            case company -> write;
            case team -> agent.teamId() != null && agent.teamId().equals(ownerId) ? write : none;
            case agent -> agent.agentId().equals(ownerId) ? write : none;
            case task -> agent.agentId().equals(ownerAgentId) ? write : none;
            case project -> projectTeamId == null || Objects.equals(projectTeamId, agent.teamId()) ? write : read;
        };
    }

    public boolean reads() {
        return this != none;
    }

    public boolean writes() {
        return this == write;
    }
}
