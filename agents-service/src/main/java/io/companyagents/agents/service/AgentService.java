package io.companyagents.agents.service;

import io.companyagents.agents.domain.Agent;
import io.companyagents.agents.domain.AgentAction;
import io.companyagents.agents.domain.AgentLifecycle;
import io.companyagents.agents.domain.AgentStatus;
import io.companyagents.agents.domain.OrgChart;
import io.companyagents.agents.messaging.OrgEvents;
import io.companyagents.agents.repository.AgentRepository;
import io.companyagents.agents.repository.CompanyRepository;
import io.companyagents.agents.repository.TeamRepository;
import io.companyagents.agents.rest.AgentApi.CreateAgent;
import io.companyagents.agents.rest.AgentApi.UpdateAgent;
import io.companyagents.agents.rest.Patch;
import io.companyagents.agents.rest.Preconditions;
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
import jakarta.persistence.LockModeType;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.UUID;

@ApplicationScoped
public class AgentService {

    static final String DEFAULT_ADAPTER = "process";
    static final int DEFAULT_HEARTBEAT_SECONDS = 60;

    @Inject
    AgentRepository agents;

    @Inject
    TeamRepository teams;

    @Inject
    CompanyRepository companyRows;

    @Inject
    CompanyService companies;

    @Inject
    ApprovalService approvals;

    @Inject
    Outbox outbox;

    /**
     * A new agent starts active, or pending_approval with a hire_agent approval opened for it
     * when the company requires approval to hire; its {@code agent.created} (which carries the
     * status, so tasks-service refuses its claims meanwhile) commits with it.
     */
    @WithTransaction
    public Uni<Agent> create(UUID companyId, CreateAgent request, String actorType, String actorId) {
        return companies.get(companyId)
                .call(() -> requireTeam(companyId, request.teamId()))
                .call(() -> requireManager(companyId, request.reportsTo()))
                .chain(company -> {
                    Agent a = new Agent();
                    a.id = Ids.newId();
                    a.companyId = companyId;
                    a.name = request.name().trim();
                    a.teamId = request.teamId();
                    a.role = request.role().trim();
                    a.title = request.title();
                    a.reportsTo = request.reportsTo();
                    a.status = company.requireAgentApproval ? AgentStatus.pending_approval : AgentStatus.active;
                    a.adapterType = request.adapterType() == null ? DEFAULT_ADAPTER : request.adapterType();
                    a.adapterConfig = request.adapterConfig() == null ? Map.of() : new LinkedHashMap<>(request.adapterConfig());
                    a.capabilities = request.capabilities() == null ? List.of() : List.copyOf(request.capabilities());
                    a.heartbeatIntervalSeconds = request.heartbeatIntervalSeconds() == null
                            ? DEFAULT_HEARTBEAT_SECONDS : request.heartbeatIntervalSeconds();
                    a.createdAt = Timestamps.now();
                    a.updatedAt = a.createdAt;
                    return agents.persist(a);
                })
                .call(a -> outbox.append(OrgEvents.agent(EventType.AGENT_CREATED, a, actorType, actorId)))
                .call(a -> a.status == AgentStatus.pending_approval
                        ? approvals.openHire(a, actorType, actorId) : Uni.createFrom().voidItem());
    }

    @WithSession
    public Uni<Agent> get(UUID companyId, UUID agentId) {
        return agents.findInCompany(companyId, agentId)
                .onItem().ifNull().failWith(() -> ApiException.notFound("agent " + agentId));
    }

    @WithSession
    public Uni<Page<Agent>> list(UUID companyId, UUID teamId, AgentStatus status, String role, PageRequest page) {
        return companies.get(companyId)
                .chain(() -> agents.page(companyId, page.afterId(), teamId, status, role, page.fetchSize()))
                .map(rows -> page.page(rows, a -> a.id.toString()));
    }

    @WithSession
    public Uni<List<OrgChart.Node>> orgChart(UUID companyId) {
        return companies.get(companyId).chain(() -> agents.orgOf(companyId)).map(OrgChart::of);
    }

    /**
     * Applies a merge patch at the expected version. A new {@code reportsTo} may not make the
     * agent its own manager however far up; reporting lines change one at a time per company
     * (the company row is locked) so two concurrent changes cannot close a cycle between them.
     */
    @WithTransaction
    public Uni<Agent> update(UUID companyId, UUID agentId, OptionalLong expectedVersion, Patch<UpdateAgent> patch,
                             String actorType, String actorId) {
        UpdateAgent values = patch.values();
        boolean newManager = patch.has("reportsTo") && values.reportsTo() != null;
        Uni<?> serialize = newManager
                ? companyRows.findById(companyId, LockModeType.PESSIMISTIC_WRITE)
                : Uni.createFrom().voidItem();
        return serialize.chain(() -> lock(companyId, agentId)).chain(a -> {
            Preconditions.check(expectedVersion, a.version);
            if (a.status == AgentStatus.terminated) {
                throw ApiException.conflict("agent_terminated", "a terminated agent cannot be changed");
            }
            if (patch.has("status") && !AgentLifecycle.settable(a.status, values.status())) {
                throw illegalTransition(a, "an update only moves an agent between active and idle; use the "
                        + "pause, resume and terminate actions");
            }
            Uni<Void> checks = Uni.createFrom().voidItem();
            if (patch.has("teamId") && !Objects.equals(values.teamId(), a.teamId)) {
                checks = checks.chain(() -> requireTeam(companyId, values.teamId()));
            }
            if (newManager && !values.reportsTo().equals(a.reportsTo)) {
                checks = checks.chain(() -> requireManager(companyId, values.reportsTo()))
                        .chain(() -> agents.isAtOrAbove(companyId, agentId, values.reportsTo()))
                        .invoke(cycle -> {
                            if (cycle) {
                                throw ApiException.conflict("reports_to_cycle", "agent " + agentId
                                        + " would end up reporting to itself through " + values.reportsTo());
                            }
                        }).replaceWithVoid();
            }
            return checks.chain(() -> apply(a, patch, actorType, actorId));
        });
    }

    private Uni<Agent> apply(Agent a, Patch<UpdateAgent> patch, String actorType, String actorId) {
        UpdateAgent v = patch.values();
        AgentStatus before = a.status;
        boolean changed = false;
        if (patch.has("name") && !v.name().trim().equals(a.name)) {
            a.name = v.name().trim();
            changed = true;
        }
        if (patch.has("teamId") && !Objects.equals(v.teamId(), a.teamId)) {
            a.teamId = v.teamId();
            changed = true;
        }
        if (patch.has("role") && !v.role().trim().equals(a.role)) {
            a.role = v.role().trim();
            changed = true;
        }
        if (patch.has("title") && !Objects.equals(v.title(), a.title)) {
            a.title = v.title();
            changed = true;
        }
        if (patch.has("reportsTo") && !Objects.equals(v.reportsTo(), a.reportsTo)) {
            a.reportsTo = v.reportsTo();
            changed = true;
        }
        if (patch.has("status") && v.status() != a.status) {
            a.status = v.status();
            changed = true;
        }
        if (patch.has("adapterType") && !v.adapterType().equals(a.adapterType)) {
            a.adapterType = v.adapterType();
            changed = true;
        }
        if (patch.has("adapterConfig") && !v.adapterConfig().equals(a.adapterConfig)) {
            a.adapterConfig = new LinkedHashMap<>(v.adapterConfig());
            changed = true;
        }
        if (patch.has("capabilities") && !v.capabilities().equals(a.capabilities)) {
            a.capabilities = List.copyOf(v.capabilities());
            changed = true;
        }
        if (patch.has("heartbeatIntervalSeconds") && v.heartbeatIntervalSeconds() != a.heartbeatIntervalSeconds) {
            a.heartbeatIntervalSeconds = v.heartbeatIntervalSeconds();
            changed = true;
        }
        if (!changed) {
            return Uni.createFrom().item(a);
        }
        a.updatedAt = Timestamps.now();
        EventType type = a.status != before ? EventType.AGENT_STATUS_CHANGED : EventType.AGENT_UPDATED;
        return agents.flush()
                .chain(() -> outbox.append(OrgEvents.agent(type, a, actorType, actorId)))
                .replaceWith(a);
    }

    /**
     * Pauses, resumes or terminates an agent as the lifecycle table allows (409
     * {@code illegal_transition} otherwise). Resuming or terminating also ends any budget hold
     * on the agent: a board that resumes a budget-paused agent overrides the stop. Terminating
     * an agent still waiting to be hired withdraws its hire_agent approval.
     */
    @WithTransaction
    public Uni<Agent> act(UUID companyId, UUID agentId, AgentAction action, String reason, String actorType,
                          String actorId) {
        if (reason != null && AgentLifecycle.BUDGET_PAUSE.equalsIgnoreCase(reason.trim())) {
            throw ApiException.validation("reason", "'budget' is reserved for budget enforcement");
        }
        return lock(companyId, agentId).chain(a -> {
            AgentStatus next = AgentLifecycle.next(a.status, action)
                    .orElseThrow(() -> illegalTransition(a, "an agent that is " + a.status + " cannot " + action));
            String pauseReason = next == AgentStatus.paused
                    ? (reason == null || reason.isBlank() ? AgentLifecycle.MANUAL_PAUSE : reason.trim())
                    : null;
            if (next == a.status && Objects.equals(pauseReason, a.pauseReason)) {
                return Uni.createFrom().item(a);
            }
            EventType type = next != a.status ? EventType.AGENT_STATUS_CHANGED : EventType.AGENT_UPDATED;
            boolean withdrawHire = a.status == AgentStatus.pending_approval;
            a.status = next;
            a.pauseReason = pauseReason;
            a.updatedAt = Timestamps.now();
            Uni<Void> holds = next == AgentStatus.paused ? Uni.createFrom().voidItem() : agents.releaseBudgetHolds(a.id);
            return holds.chain(agents::flush)
                    .call(() -> withdrawHire ? approvals.withdrawHire(a, actorType, actorId) : Uni.createFrom().voidItem())
                    .chain(() -> outbox.append(OrgEvents.agent(type, a, actorType, actorId)))
                    .replaceWith(a);
        });
    }

    private Uni<Agent> lock(UUID companyId, UUID agentId) {
        return agents.lockInCompany(companyId, agentId)
                .onItem().ifNull().failWith(() -> ApiException.notFound("agent " + agentId));
    }

    private Uni<Void> requireTeam(UUID companyId, UUID teamId) {
        if (teamId == null) {
            return Uni.createFrom().voidItem();
        }
        return teams.findInCompany(companyId, teamId).invoke(t -> {
            if (t == null) {
                throw ApiException.validation("teamId", "is not a team of this company");
            }
        }).replaceWithVoid();
    }

    private Uni<Void> requireManager(UUID companyId, UUID managerId) {
        if (managerId == null) {
            return Uni.createFrom().voidItem();
        }
        return agents.findInCompany(companyId, managerId).invoke(m -> {
            if (m == null) {
                throw ApiException.validation("reportsTo", "is not an agent of this company");
            }
            if (m.status == AgentStatus.terminated) {
                throw ApiException.validation("reportsTo", "is a terminated agent");
            }
        }).replaceWithVoid();
    }

    private static ApiException illegalTransition(Agent a, String detail) {
        return new ApiException(409, "illegal_transition", "Conflict", detail, List.of(),
                Map.of("currentStatus", a.status.name(),
                        "allowedActions", AgentLifecycle.allowed(a.status).stream().map(Enum::name).toList()));
    }
}
