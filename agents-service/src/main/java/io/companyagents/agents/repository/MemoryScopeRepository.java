package io.companyagents.agents.repository;

import io.companyagents.agents.domain.MemoryAccess;
import io.companyagents.agents.domain.MemoryScope;
import io.companyagents.agents.domain.MemoryScopeKind;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.UUID;

@ApplicationScoped
@WithSession
public class MemoryScopeRepository implements PanacheRepositoryBase<MemoryScope, UUID> {

    public Uni<MemoryScope> findInCompany(UUID companyId, UUID id) {
        return find("companyId = :c and id = :id", Parameters.with("c", companyId).and("id", id)).firstResult();
    }

    /**
     * Keyset page of a company's scopes; with {@code reader} only those that agent may read
     * (the rule of {@link MemoryAccess}: company and project scopes, its team's, its own, its tasks').
     */
    public Uni<List<MemoryScope>> page(UUID companyId, UUID after, MemoryScopeKind kind, UUID ownerId,
                                       MemoryAccess.AgentMember reader, int size) {
        StringBuilder query = new StringBuilder("companyId = :c");
        Parameters params = Parameters.with("c", companyId);
        if (reader != null) {
            query.append(" and (kind in (:shared) or (kind = :agentKind and ownerId = :me)"
                    + " or (kind = :taskKind and ownerAgentId = :me)");
            params.and("shared", List.of(MemoryScopeKind.company, MemoryScopeKind.project))
                    .and("agentKind", MemoryScopeKind.agent).and("taskKind", MemoryScopeKind.task)
                    .and("me", reader.agentId());
            if (reader.teamId() != null) {
                query.append(" or (kind = :teamKind and ownerId = :team)");
                params.and("teamKind", MemoryScopeKind.team).and("team", reader.teamId());
            }
            query.append(")");
        }
        if (after != null) {
            query.append(" and id > :after");
            params.and("after", after);
        }
        if (kind != null) {
            query.append(" and kind = :kind");
            params.and("kind", kind);
        }
        if (ownerId != null) {
            query.append(" and ownerId = :owner");
            params.and("owner", ownerId);
        }
        return find(query + " order by id", params).page(0, size).list();
    }

    public Uni<Boolean> nameTaken(UUID companyId, String name) {
        return count("companyId = ?1 and lower(name) = lower(?2)", companyId, name).map(n -> n > 0);
    }
}
