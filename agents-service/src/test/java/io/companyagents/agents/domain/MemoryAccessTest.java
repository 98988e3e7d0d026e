package io.companyagents.agents.domain;

import io.companyagents.agents.domain.MemoryAccess.AgentMember;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

class MemoryAccessTest {

    private static final UUID TEAM = UUID.randomUUID();
    private static final UUID OTHER_TEAM = UUID.randomUUID();
    private static final AgentMember AGENT = new AgentMember(UUID.randomUUID(), TEAM);
    private static final AgentMember TEAMLESS = new AgentMember(UUID.randomUUID(), null);

    @Test
    void theCompanyScopeIsEveryAgents() {
        assertEquals(MemoryAccess.write, MemoryAccess.of(MemoryScopeKind.company, null, null, AGENT, null));
        assertEquals(MemoryAccess.write, MemoryAccess.of(MemoryScopeKind.company, null, null, TEAMLESS, null));
    }

    @Test
    void teamAgentAndTaskScopesBelongToTheirMembersOnly() {
        assertEquals(MemoryAccess.write, MemoryAccess.of(MemoryScopeKind.team, TEAM, null, AGENT, null));
        assertEquals(MemoryAccess.none, MemoryAccess.of(MemoryScopeKind.team, OTHER_TEAM, null, AGENT, null));
        assertEquals(MemoryAccess.none, MemoryAccess.of(MemoryScopeKind.team, TEAM, null, TEAMLESS, null));
        assertEquals(MemoryAccess.write, MemoryAccess.of(MemoryScopeKind.agent, AGENT.agentId(), null, AGENT, null));
        assertEquals(MemoryAccess.none, MemoryAccess.of(MemoryScopeKind.agent, TEAMLESS.agentId(), null, AGENT, null));
        UUID task = UUID.randomUUID();
        assertEquals(MemoryAccess.write, MemoryAccess.of(MemoryScopeKind.task, task, AGENT.agentId(), AGENT, null));
        assertEquals(MemoryAccess.none, MemoryAccess.of(MemoryScopeKind.task, task, TEAMLESS.agentId(), AGENT, null));
        assertEquals(MemoryAccess.none, MemoryAccess.of(MemoryScopeKind.task, task, null, AGENT, null));
    }

    @Test
    void everyAgentReadsAProjectAndItsTeamWritesIt() {
        UUID project = UUID.randomUUID();
        assertEquals(MemoryAccess.write, MemoryAccess.of(MemoryScopeKind.project, project, null, AGENT, TEAM));
        assertEquals(MemoryAccess.read, MemoryAccess.of(MemoryScopeKind.project, project, null, AGENT, OTHER_TEAM));
        assertEquals(MemoryAccess.read, MemoryAccess.of(MemoryScopeKind.project, project, null, TEAMLESS, TEAM));
        assertEquals(MemoryAccess.write, MemoryAccess.of(MemoryScopeKind.project, project, null, TEAMLESS, null));
    }
}
