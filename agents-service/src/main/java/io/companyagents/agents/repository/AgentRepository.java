package io.companyagents.agents.repository;

import io.companyagents.agents.domain.Agent;
import io.companyagents.agents.domain.AgentStatus;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import java.util.List;
import java.util.UUID;

@ApplicationScoped
@WithSession
public class AgentRepository implements PanacheRepositoryBase<Agent, UUID> {

    /** The largest org an org chart is drawn for in one answer. */
    public static final int ORG_CHART_LIMIT = 10_000;

    public Uni<Agent> findInCompany(UUID companyId, UUID id) {
        return find("companyId = :c and id = :id", Parameters.with("c", companyId).and("id", id)).firstResult();
    }

    /** The agent, row-locked for the rest of the transaction (actions and updates serialize on it). */
    public Uni<Agent> lockInCompany(UUID companyId, UUID id) {
        return find("companyId = :c and id = :id", Parameters.with("c", companyId).and("id", id))
                .withLock(LockModeType.PESSIMISTIC_WRITE).firstResult();
    }

    /** Keyset page of one company's agents in id (creation) order; null filters match everything. */
    public Uni<List<Agent>> page(UUID companyId, UUID after, UUID teamId, AgentStatus status, String role, int size) {
        StringBuilder query = new StringBuilder("companyId = :c");
        Parameters params = Parameters.with("c", companyId);
        if (after != null) {
            query.append(" and id > :after");
            params.and("after", after);
        }
        if (teamId != null) {
            query.append(" and teamId = :team");
            params.and("team", teamId);
        }
        if (status != null) {
            query.append(" and status = :status");
            params.and("status", status);
        }
        if (role != null) {
            query.append(" and role = :role");
            params.and("role", role);
        }
        return find(query + " order by id", params).page(0, size).list();
    }

    public Uni<List<Agent>> orgOf(UUID companyId) {
        return find("companyId = ?1 order by id", companyId).page(0, ORG_CHART_LIMIT).list();
    }

    public Uni<List<Agent>> inTeam(UUID teamId) {
        return list("teamId = ?1 order by id", teamId);
    }

    /**
     * Whether {@code agentId} is {@code managerId} or one of its managers, however far up: making
     * the agent report to that manager would close a cycle.
     */
    public Uni<Boolean> isAtOrAbove(UUID companyId, UUID agentId, UUID managerId) {
        String sql = """
                with recursive chain (id, reports_to) as (
                    select id, reports_to from agents where company_id = ?1 and id = ?2
                    union
                    select a.id, a.reports_to from agents a join chain c on a.id = c.reports_to where a.company_id = ?1
                )
                select count(*) from chain where id = ?3""";
        return getSession().chain(s -> s.createNativeQuery(sql, Long.class)
                        .setParameter(1, companyId).setParameter(2, managerId).setParameter(3, agentId)
                        .getSingleResult())
                .map(n -> n > 0);
    }

    /** Ends every budget hold on the agent (it was resumed or terminated on purpose). */
    public Uni<Void> releaseBudgetHolds(UUID agentId) {
        return getSession().chain(s -> s.createNativeQuery("delete from budget_holds where agent_id = ?1")
                .setParameter(1, agentId).executeUpdate()).replaceWithVoid();
    }

    /** How many of the given ids are agents of the company. */
    public Uni<Long> countInCompany(UUID companyId, java.util.Collection<UUID> ids) {
        return count("companyId = :c and id in :ids", Parameters.with("c", companyId).and("ids", ids));
    }
}
