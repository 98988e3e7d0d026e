package io.companyagents.agents.repository;

import io.companyagents.agents.domain.Approval;
import io.companyagents.agents.domain.ApprovalKind;
import io.companyagents.agents.domain.ApprovalStatus;
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
public class ApprovalRepository implements PanacheRepositoryBase<Approval, UUID> {

    public Uni<Approval> findInCompany(UUID companyId, UUID id) {
        return find("companyId = :c and id = :id", Parameters.with("c", companyId).and("id", id)).firstResult();
    }

    public Uni<Approval> lockInCompany(UUID companyId, UUID id) {
        return find("companyId = :c and id = :id", Parameters.with("c", companyId).and("id", id))
                .withLock(LockModeType.PESSIMISTIC_WRITE).firstResult();
    }

    /** The agent an approval decides on (null for one that decides none, or for no such approval). */
    public Uni<UUID> agentDecidedBy(UUID companyId, UUID id) {
        return getSession().chain(s -> s.createSelectionQuery(
                        "select a.agentId from Approval a where a.companyId = :c and a.id = :id", UUID.class)
                .setParameter("c", companyId).setParameter("id", id).getResultList())
                .map(rows -> rows.isEmpty() ? null : rows.get(0));
    }

    /** The open hiring decision on an agent, if any (at most one; a unique index says so). */
    public Uni<Approval> lockPendingHire(UUID companyId, UUID agentId) {
        return find("companyId = :c and agentId = :a and status = :s",
                Parameters.with("c", companyId).and("a", agentId).and("s", ApprovalStatus.pending))
                .withLock(LockModeType.PESSIMISTIC_WRITE).firstResult();
    }

    public Uni<List<Approval>> page(UUID companyId, UUID after, ApprovalStatus status, ApprovalKind kind, int size) {
        StringBuilder query = new StringBuilder("companyId = :c");
        Parameters params = Parameters.with("c", companyId);
        if (after != null) {
            query.append(" and id > :after");
            params.and("after", after);
        }
        if (status != null) {
            query.append(" and status = :status");
            params.and("status", status);
        }
        if (kind != null) {
            query.append(" and kind = :kind");
            params.and("kind", kind);
        }
        return find(query + " order by id", params).page(0, size).list();
    }
}
