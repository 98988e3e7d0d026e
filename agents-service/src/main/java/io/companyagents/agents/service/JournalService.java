package io.companyagents.agents.service;

import io.companyagents.agents.domain.JournalEntry;
import io.companyagents.agents.domain.JournalKind;
import io.companyagents.agents.messaging.OrgEvents;
import io.companyagents.agents.repository.JournalRepository;
import io.companyagents.agents.rest.JournalApi.CreateJournalEntry;
import io.companyagents.platform.id.Ids;
import io.companyagents.platform.outbox.Outbox;
import io.companyagents.platform.paging.Page;
import io.companyagents.platform.paging.PageRequest;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.UUID;

/** Agents' journals: append-only entries per agent. */
@ApplicationScoped
public class JournalService {

    @Inject
    JournalRepository journal;

    @Inject
    AgentService agents;

    @Inject
    Outbox outbox;

    @WithTransaction
    public Uni<JournalEntry> append(UUID companyId, UUID agentId, CreateJournalEntry request, String actorType,
                                    String actorId) {
        return agents.get(companyId, agentId).chain(agent -> {
            JournalEntry j = new JournalEntry();
            j.id = Ids.newId();
            j.companyId = companyId;
            j.agentId = agentId;
            j.kind = request.kind();
            j.body = request.body();
            j.taskId = request.taskId();
            j.createdByType = actorType;
            j.createdBy = actorId;
            j.createdAt = Timestamps.now();
            return journal.persist(j);
        }).call(j -> outbox.append(OrgEvents.journalEntry(j)));
    }

    @WithSession
    public Uni<Page<JournalEntry>> list(UUID companyId, UUID agentId, JournalKind kind, UUID taskId, PageRequest page) {
        return agents.get(companyId, agentId)
                .chain(() -> journal.page(agentId, page.afterId(), kind, taskId, page.fetchSize()))
                .map(rows -> page.page(rows, j -> j.id.toString()));
    }
}
