package io.companyagents.agents.repository;

import io.companyagents.agents.domain.Team;
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
public class TeamRepository implements PanacheRepositoryBase<Team, UUID> {

    /** The team if it belongs to the company; a team of another company is simply not there. */
    public Uni<Team> findInCompany(UUID companyId, UUID id) {
        return find("companyId = :c and id = :id", Parameters.with("c", companyId).and("id", id)).firstResult();
    }

    public Uni<Team> lockInCompany(UUID companyId, UUID id) {
        return find("companyId = :c and id = :id", Parameters.with("c", companyId).and("id", id))
                .withLock(LockModeType.PESSIMISTIC_WRITE).firstResult();
    }

    /** Keyset page of one company's teams in id (creation) order. */
    public Uni<List<Team>> page(UUID companyId, UUID after, int size) {
        Parameters params = Parameters.with("c", companyId);
        String query = "companyId = :c";
        if (after != null) {
            query += " and id > :after";
            params.and("after", after);
        }
        return find(query + " order by id", params).page(0, size).list();
    }

    /** Those of the given ids that are teams of the company. */
    public Uni<List<Team>> listInCompany(UUID companyId, java.util.Collection<UUID> ids) {
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
}
