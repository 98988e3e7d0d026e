package io.companyagents.agents.repository;

import io.companyagents.agents.domain.Integration;
import io.companyagents.agents.domain.IntegrationStatus;
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
public class IntegrationRepository implements PanacheRepositoryBase<Integration, UUID> {

    public Uni<Integration> findInCompany(UUID companyId, UUID id) {
        return find("companyId = :c and id = :id", Parameters.with("c", companyId).and("id", id)).firstResult();
    }

    /** Row-locked: two syncs moving the cursor serialize here, and the second sees the first's version. */
    public Uni<Integration> lockInCompany(UUID companyId, UUID id) {
        return find("companyId = :c and id = :id", Parameters.with("c", companyId).and("id", id))
                .withLock(LockModeType.PESSIMISTIC_WRITE).firstResult();
    }

    public Uni<List<Integration>> page(UUID companyId, UUID after, String kind, IntegrationStatus status, int size) {
        StringBuilder query = new StringBuilder("companyId = :c");
        Parameters params = Parameters.with("c", companyId);
        if (after != null) {
            query.append(" and id > :after");
            params.and("after", after);
        }
        if (kind != null) {
            query.append(" and kind = :kind");
            params.and("kind", kind);
        }
        if (status != null) {
            query.append(" and status = :status");
            params.and("status", status);
        }
        return find(query + " order by id", params).page(0, size).list();
    }
}
