package io.companyagents.agents.service;

import io.companyagents.agents.domain.Agent;
import io.companyagents.agents.domain.AgentLifecycle;
import io.companyagents.agents.domain.Approval;
import io.companyagents.agents.domain.ApprovalKind;
import io.companyagents.agents.domain.ApprovalStatus;
import io.companyagents.agents.messaging.OrgEvents;
import io.companyagents.agents.repository.AgentRepository;
import io.companyagents.agents.repository.ApprovalRepository;
import io.companyagents.agents.rest.ApprovalApi.CreateApproval;
import io.companyagents.platform.events.EventType;
import io.companyagents.platform.id.Ids;
import io.companyagents.platform.outbox.Outbox;
import io.companyagents.platform.paging.Page;
import io.companyagents.platform.paging.PageRequest;
import io.companyagents.platform.problem.ApiException;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Requests for the board's decision: pending until approved or rejected, and final then. A
 * hire_agent approval opened for a created agent (the company requires approval to hire)
 * decides that agent: approved, it becomes active; rejected, it is terminated.
 */
@ApplicationScoped
public class ApprovalService {

    static final String WITHDRAWN = "withdrawn: the agent was terminated before the decision";

    @Inject
    ApprovalRepository approvals;

    @Inject
    AgentRepository agents;

    @Inject
    CompanyService companies;

    @Inject
    Outbox outbox;

    @WithTransaction
    public Uni<Approval> request(UUID companyId, CreateApproval request, String actorType, String actorId) {
        return companies.get(companyId).chain(() -> open(companyId, request.kind(),
                request.payload() == null ? Map.of() : new LinkedHashMap<>(request.payload()), null, actorType, actorId));
    }

    /** Opens the hiring decision on an agent created pending_approval (in the caller's transaction). */
    public Uni<Approval> openHire(Agent agent, String actorType, String actorId) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("agentId", agent.id.toString());
        payload.put("name", agent.name);
        payload.put("role", agent.role);
        payload.put("title", agent.title);
        payload.put("teamId", agent.teamId == null ? null : agent.teamId.toString());
        payload.put("reportsTo", agent.reportsTo == null ? null : agent.reportsTo.toString());
        return open(agent.companyId, ApprovalKind.hire_agent, payload, agent.id, actorType, actorId);
    }

    private Uni<Approval> open(UUID companyId, ApprovalKind kind, Map<String, Object> payload, UUID agentId,
                               String actorType, String actorId) {
        Approval a = new Approval();
        a.id = Ids.newId();
        a.companyId = companyId;
        a.kind = kind;
        a.payload = payload;
        a.agentId = agentId;
        a.status = ApprovalStatus.pending;
        a.requestedByType = actorType;
        a.requestedBy = actorId;
        a.createdAt = Timestamps.now();
        a.updatedAt = a.createdAt;
        return approvals.persist(a)
                .call(saved -> outbox.append(OrgEvents.approval(EventType.APPROVAL_REQUESTED, saved, actorType, actorId)));
    }

    @WithSession
    public Uni<Approval> get(UUID companyId, UUID id) {
        return approvals.findInCompany(companyId, id)
                .onItem().ifNull().failWith(() -> ApiException.notFound("approval " + id));
    }

    @WithSession
    public Uni<Page<Approval>> list(UUID companyId, ApprovalStatus status, ApprovalKind kind, PageRequest page) {
        return companies.get(companyId)
                .chain(() -> approvals.page(companyId, page.afterId(), status, kind, page.fetchSize()))
                .map(rows -> page.page(rows, a -> a.id.toString()));
    }

    /**
     * Approves or rejects a pending request (409 {@code illegal_transition} once decided). A
     * hiring decision locks its agent before the approval, in the order terminating the agent
     * does, so a decision and a terminate never deadlock.
     */
    @WithTransaction
    public Uni<Approval> decide(UUID companyId, UUID id, ApprovalStatus decision, String note, String actorType,
                                String actorId) {
        return approvals.agentDecidedBy(companyId, id)
                .chain(agentId -> agentId == null ? Uni.createFrom().<Agent>nullItem()
                        : agents.lockInCompany(companyId, agentId))
                .chain(agent -> approvals.lockInCompany(companyId, id)
                        .onItem().ifNull().failWith(() -> ApiException.notFound("approval " + id))
                        .chain(a -> {
                            if (a.status != ApprovalStatus.pending) {
                                throw new ApiException(409, "illegal_transition", "Conflict",
                                        "this approval was already " + a.status, List.of(),
                                        Map.of("currentStatus", a.status.name(), "allowedActions", List.of()));
                            }
                            return close(a, decision, note, actorType, actorId)
                                    .call(() -> agent == null ? Uni.createFrom().voidItem()
                                            : hire(agent, decision == ApprovalStatus.approved, actorType, actorId));
                        }));
    }

    /**
     * Withdraws the open hiring decision on an agent that is being terminated (rejects it, in
     * the caller's transaction, which already holds the agent's lock).
     */
    public Uni<Void> withdrawHire(Agent agent, String actorType, String actorId) {
        return approvals.lockPendingHire(agent.companyId, agent.id).chain(a -> a == null
                ? Uni.createFrom().voidItem()
                : close(a, ApprovalStatus.rejected, WITHDRAWN, actorType, actorId).replaceWithVoid());
    }

    private Uni<Approval> close(Approval a, ApprovalStatus decision, String note, String actorType, String actorId) {
        a.status = decision;
        a.decidedBy = actorId;
        a.decidedAt = Timestamps.now();
        a.decisionNote = note;
        a.updatedAt = a.decidedAt;
        return approvals.flush()
                .chain(() -> outbox.append(OrgEvents.approval(EventType.APPROVAL_DECIDED, a, actorType, actorId)))
                .replaceWith(a);
    }

    /** The decision's effect on the agent waiting for it; none if it no longer waits. */
    private Uni<Void> hire(Agent agent, boolean approved, String actorType, String actorId) {
        return AgentLifecycle.hired(agent.status, approved).map(next -> {
            agent.status = next;
            agent.pauseReason = null;
            agent.updatedAt = Timestamps.now();
            return agents.flush()
                    .chain(() -> outbox.append(OrgEvents.agent(EventType.AGENT_STATUS_CHANGED, agent, actorType, actorId)))
                    .replaceWithVoid();
        }).orElse(Uni.createFrom().voidItem());
    }
}
