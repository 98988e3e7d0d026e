package io.companyagents.agents.repository;

import io.companyagents.agents.domain.Project;
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
public class ProjectRepository implements PanacheRepositoryBase<Project, UUID> {

    public Uni<Project> findInCompany(UUID companyId, UUID id) {
        return find("companyId = :c and id = :id", Parameters.with("c", companyId).and("id", id)).firstResult();
    }

    public Uni<Project> lockInCompany(UUID companyId, UUID id) {
        return find("companyId = :c and id = :id", Parameters.with("c", companyId).and("id", id))
                .withLock(LockModeType.PESSIMISTIC_WRITE).firstResult();
    }

    public Uni<List<Project>> page(UUID companyId, UUID after, UUID teamId, int size) {
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
        return find(query + " order by id", params).page(0, size).list();
    }

    /** Those of the given ids that are projects of the company. */
    public Uni<List<Project>> listInCompany(UUID companyId, java.util.Collection<UUID> ids) {
        if (ids.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return list("companyId = :c and id in :ids", Parameters.with("c", companyId).and("ids", ids));
    }

    public Uni<Boolean> nameTaken(UUID companyId, String name, UUID except) {
        return count("companyId = :c and lower(name) = lower(:n) and id <> :except",
                Parameters.with("c", companyId).and("n", name).and("except", except == null ? new UUID(0, 0) : except))
                .map(n -> n > 0);
    }

    public Uni<Long> countInTeam(UUID teamId) {
        return count("teamId", teamId);
    }
}
