package io.companyagents.agents.messaging;

import io.companyagents.agents.domain.Agent;
import io.companyagents.agents.domain.Approval;
import io.companyagents.agents.domain.Integration;
import io.companyagents.agents.domain.JournalEntry;
import io.companyagents.agents.domain.MemoryEntry;
import io.companyagents.agents.domain.MemoryScope;
import io.companyagents.agents.domain.Notification;
import io.companyagents.agents.domain.Product;
import io.companyagents.agents.domain.Project;
import io.companyagents.agents.domain.Team;
import io.companyagents.platform.events.DomainEvent;
import io.companyagents.platform.events.EventPayloads;
import io.companyagents.platform.events.EventType;

import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.UUID;

/** The events the org publishes, built in one place so every path emits the same shape. */
public final class OrgEvents {

    private OrgEvents() {
    }

    /** Always the full current agent, whatever changed (tasks-service keeps a projection of it). */
    public static DomainEvent agent(EventType type, Agent a, String actorType, String actorId) {
        return new DomainEvent(type, a.companyId, actorType, actorId, "agent", a.id.toString(), payload(a));
    }

    public static EventPayloads.AgentChanged payload(Agent a) {
        return new EventPayloads.AgentChanged(a.id, a.name, a.teamId, a.role, a.title, a.reportsTo, a.status.name(),
                a.pauseReason, a.version);
    }

    public static DomainEvent team(EventType type, Team t, String actorType, String actorId) {
        return new DomainEvent(type, t.companyId, actorType, actorId, "team", t.id.toString(),
                new EventPayloads.TeamChanged(t.id, t.name, t.description, t.leadAgentId, t.version));
    }

    /** Says whether a git token is stored; the token itself never travels. */
    public static DomainEvent project(EventType type, Project p, String actorType, String actorId) {
        return new DomainEvent(type, p.companyId, actorType, actorId, "project", p.id.toString(),
                new EventPayloads.ProjectChanged(p.id, p.name, p.gitUrl, p.defaultBranch,
                        List.copyOf(p.protectedBranches), p.teamId, p.hasGitToken, p.version));
    }

    public static DomainEvent memoryScope(MemoryScope m, String actorType, String actorId) {
        return new DomainEvent(EventType.MEMORY_SCOPE_CREATED, m.companyId, actorType, actorId, "memory_scope",
                m.id.toString(), new EventPayloads.MemoryScopeChanged(m.id, m.name, m.kind.name(), m.ownerId));
    }

    /** Who wrote what where; the content itself is not published. */
    public static DomainEvent memoryEntry(MemoryEntry e) {
        return new DomainEvent(EventType.MEMORY_ENTRY_CREATED, e.companyId, e.createdByType, e.createdBy, "memory_entry",
                e.id.toString(), new EventPayloads.MemoryEntryCreated(e.id, e.scopeId, List.copyOf(e.tags),
                        e.createdByType, e.createdBy));
    }

    public static DomainEvent journalEntry(JournalEntry j) {
        return new DomainEvent(EventType.JOURNAL_ENTRY_CREATED, j.companyId, j.createdByType, j.createdBy,
                "journal_entry", j.id.toString(),
                new EventPayloads.JournalEntryCreated(j.id, j.agentId, j.kind.name(), j.taskId));
    }

    public static DomainEvent notificationCreated(Notification n) {
        return new DomainEvent(EventType.NOTIFICATION_CREATED, n.companyId, n.createdByType, n.createdBy,
                "notification", n.id.toString(), new EventPayloads.NotificationCreated(n.id, n.kind,
                        List.copyOf(n.recipients), n.title, n.requiresAck));
    }

    public static DomainEvent notificationAcked(Notification n, UUID agentId, OffsetDateTime at) {
        return new DomainEvent(EventType.NOTIFICATION_ACKED, n.companyId, "agent", agentId.toString(),
                "notification", n.id.toString(), new EventPayloads.NotificationAcked(n.id, agentId, at));
    }

    public static DomainEvent approval(EventType type, Approval a, String actorType, String actorId) {
        return new DomainEvent(type, a.companyId, actorType, actorId, "approval", a.id.toString(),
                new EventPayloads.ApprovalChanged(a.id, a.kind.name(), a.status.name(), a.requestedByType,
                        a.requestedBy, a.decidedBy, a.version));
    }

    /** What changed and the integration's status; its config and its sync cursor stay here. */
    public static DomainEvent integration(EventType type, Integration i, List<String> changed, String actorType,
                                          String actorId) {
        return new DomainEvent(type, i.companyId, actorType, actorId, "integration", i.id.toString(),
                new EventPayloads.IntegrationChanged(i.id, i.kind, i.status.name(), i.credentialSecretId,
                        List.copyOf(changed), i.version));
    }

    public static DomainEvent product(EventType type, Product p, String actorType, String actorId) {
        return new DomainEvent(type, p.companyId, actorType, actorId, "product", p.id.toString(),
                new EventPayloads.ProductChanged(p.id, p.name, p.description, new LinkedHashMap<>(p.projects), p.version));
    }
}
