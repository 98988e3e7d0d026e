package io.companyagents.agents.service;

import io.companyagents.agents.domain.MemoryEntry;
import io.companyagents.agents.domain.MemoryScope;
import io.companyagents.agents.domain.MemoryScopeKind;
import io.companyagents.agents.messaging.OrgEvents;
import io.companyagents.agents.repository.AgentRepository;
import io.companyagents.agents.repository.MemoryEntryRepository;
import io.companyagents.agents.repository.MemoryScopeRepository;
import io.companyagents.agents.repository.ProjectRepository;
import io.companyagents.agents.repository.TeamRepository;
import io.companyagents.agents.rest.MemoryApi.CreateMemoryEntry;
import io.companyagents.agents.rest.MemoryApi.CreateMemoryScope;
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

/** Memory scopes and entries: written by the board and by agents, searched by text or by embedding. */
@ApplicationScoped
public class MemoryService {

    @Inject
    MemoryScopeRepository scopes;

    @Inject
    MemoryEntryRepository entries;

    @Inject
    TeamRepository teams;

    @Inject
    AgentRepository agents;

    @Inject
    ProjectRepository projects;

    @Inject
    CompanyService companies;

    @Inject
    VectorSupport vectors;

    @Inject
    Outbox outbox;

    @WithTransaction
    public Uni<MemoryScope> createScope(UUID companyId, CreateMemoryScope request, String actorType, String actorId) {
        String name = request.name().trim();
        return companies.get(companyId)
                .chain(() -> scopes.nameTaken(companyId, name))
                .invoke(taken -> {
                    if (taken) {
                        throw ApiException.conflict("memory_scope_name_taken", "a memory scope named '" + name + "' already exists");
                    }
                })
                .chain(() -> owner(companyId, request.kind(), request.ownerId()))
                .chain(owner -> {
                    MemoryScope m = new MemoryScope();
                    m.id = Ids.newId();
                    m.companyId = companyId;
                    m.name = name;
                    m.kind = request.kind();
                    m.ownerId = owner;
                    m.createdAt = Timestamps.now();
                    return scopes.persist(m);
                })
                .call(m -> outbox.append(OrgEvents.memoryScope(m, actorType, actorId)));
    }

    @WithSession
    public Uni<MemoryScope> getScope(UUID companyId, UUID scopeId) {
        return scopes.findInCompany(companyId, scopeId)
                .onItem().ifNull().failWith(() -> ApiException.notFound("memory scope " + scopeId));
    }

    @WithSession
    public Uni<Page<MemoryScope>> listScopes(UUID companyId, MemoryScopeKind kind, UUID ownerId, PageRequest page) {
        return companies.get(companyId)
                .chain(() -> scopes.page(companyId, page.afterId(), kind, ownerId, page.fetchSize()))
                .map(rows -> page.page(rows, m -> m.id.toString()));
    }

    @WithTransaction
    public Uni<MemoryEntry> createEntry(UUID companyId, UUID scopeId, CreateMemoryEntry request, String actorType,
                                        String actorId) {
        if (request.embedding() != null) {
            requireFinite(request.embedding());
        }
        return getScope(companyId, scopeId).chain(scope -> {
            MemoryEntry e = new MemoryEntry();
            e.id = Ids.newId();
            e.companyId = companyId;
            e.scopeId = scopeId;
            e.content = request.content();
            e.tags = request.tags() == null ? List.of() : request.tags().stream().map(String::trim).distinct().toList();
            e.metadata = request.metadata() == null ? Map.of() : new LinkedHashMap<>(request.metadata());
            e.embedding = request.embedding();
            e.createdByType = actorType;
            e.createdBy = actorId;
            e.createdAt = Timestamps.now();
            return entries.persist(e);
        }).call(e -> outbox.append(OrgEvents.memoryEntry(e)));
    }

    /**
     * A scope's entries: in creation order (keyset), or with {@code text} the full-text matches
     * best first (the cursor then pages through the ranking).
     */
    @WithSession
    public Uni<Page<MemoryEntry>> listEntries(UUID companyId, UUID scopeId, String text, String tag, PageRequest page) {
        return getScope(companyId, scopeId).chain(scope -> {
            if (text == null) {
                return entries.page(scopeId, page.afterId(), tag, page.fetchSize())
                        .map(rows -> page.page(rows, e -> e.id.toString()));
            }
            long offset = page.after() == null ? 0 : page.afterSeq();
            return entries.search(scopeId, text, tag, offset, page.fetchSize()).map(rows -> {
                Page<MemoryEntry> p = page.page(rows, e -> "");
                return new Page<>(p.items(), p.nextCursor() == null ? null
                        : PageRequest.encode(Long.toString(offset + page.limit())));
            });
        });
    }

    /** The {@code k} entries nearest to the embedding (cosine); 501 without pgvector. */
    @WithSession
    public Uni<List<MemoryEntry>> searchByEmbedding(UUID companyId, UUID scopeId, float[] embedding, int k) {
        if (!vectors.available()) {
            throw new ApiException(501, "vector_unavailable", "Not Implemented",
                    "semantic search needs the pgvector extension, which this installation does not have; "
                            + "use full-text search (GET …/entries?q=) instead");
        }
        requireFinite(embedding);
        return getScope(companyId, scopeId).chain(scope -> entries.nearest(scopeId, literal(embedding), embedding.length, k));
    }

    private Uni<UUID> owner(UUID companyId, MemoryScopeKind kind, UUID ownerId) {
        if (kind == MemoryScopeKind.company) {
            if (ownerId != null && !ownerId.equals(companyId)) {
                throw ApiException.validation("ownerId", "a company scope belongs to its company");
            }
            return Uni.createFrom().item(companyId);
        }
        if (ownerId == null) {
            throw ApiException.validation("ownerId", "a " + kind + " scope needs the id of its " + kind);
        }
        Uni<?> owner = switch (kind) {
            case team -> teams.findInCompany(companyId, ownerId);
            case agent -> agents.findInCompany(companyId, ownerId);
            case project -> projects.findInCompany(companyId, ownerId);
            // tasks live in tasks-service; their ids cannot be checked from here
            case task, company -> Uni.createFrom().item(Boolean.TRUE);
        };
        return owner.map(found -> {
            if (found == null) {
                throw ApiException.validation("ownerId", "is not a " + kind + " of this company");
            }
            return ownerId;
        });
    }

    private static void requireFinite(float[] embedding) {
        for (float f : embedding) {
            if (!Float.isFinite(f)) {
                throw ApiException.validation("embedding", "must hold finite numbers");
            }
        }
    }

    /** pgvector's text form, e.g. {@code [0.1,0.2]}. */
    private static String literal(float[] embedding) {
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < embedding.length; i++) {
            s.append(i == 0 ? "" : ",").append(embedding[i]);
        }
        return s.append(']').toString();
    }
}
