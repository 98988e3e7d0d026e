package io.companyagents.agents.repository;

import io.companyagents.agents.domain.JournalEntry;
import io.companyagents.agents.domain.JournalKind;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.UUID;

@ApplicationScoped
@WithSession
public class JournalRepository implements PanacheRepositoryBase<JournalEntry, UUID> {

    public Uni<List<JournalEntry>> page(UUID agentId, UUID after, JournalKind kind, UUID taskId, int size) {
        StringBuilder query = new StringBuilder("agentId = :agent");
        Parameters params = Parameters.with("agent", agentId);
        if (after != null) {
            query.append(" and id > :after");
            params.and("after", after);
        }
        if (kind != null) {
            query.append(" and kind = :kind");
            params.and("kind", kind);
        }
        if (taskId != null) {
            query.append(" and taskId = :task");
            params.and("task", taskId);
        }
        return find(query + " order by id", params).page(0, size).list();
    }
}
