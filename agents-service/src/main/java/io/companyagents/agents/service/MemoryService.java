package io.companyagents.agents.service;

import io.companyagents.agents.domain.MemoryAccess;
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

/**
 * Memory scopes and entries: written by the board and by agents, searched by text or by
 * embedding. Agent keys reach only the scopes they belong to ({@link MemoryAccess}).
 */
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

    /**
     * Creates a scope. An agent creates only scopes it may write (403 otherwise, see
     * {@link MemoryAccess}); a task scope it creates is its own unless it names another owner,
     * which it may not.
     */
    @WithTransaction
    public Uni<MemoryScope> createScope(UUID companyId, CreateMemoryScope request, UUID callingAgent, String actorType,
                                        String actorId) {
        String name = request.name().trim();
        if (request.kind() != MemoryScopeKind.task && request.ownerAgentId() != null) {
            throw ApiException.validation("ownerAgentId", "only a task scope names the agent that owns it");
        }
        UUID ownerAgent = request.kind() == MemoryScopeKind.task && request.ownerAgentId() == null
                ? callingAgent : request.ownerAgentId();
        return companies.get(companyId)
                .chain(() -> scopes.nameTaken(companyId, name))
                .invoke(taken -> {
                    if (taken) {
                        throw ApiException.conflict("memory_scope_name_taken", "a memory scope named '" + name + "' already exists");
                    }
                })
                .chain(() -> owner(companyId, request.kind(), request.ownerId()))
                .call(() -> ownerAgent == null ? Uni.createFrom().voidItem()
                        : agents.findInCompany(companyId, ownerAgent).invoke(found -> {
                            if (found == null) {
                                throw ApiException.validation("ownerAgentId", "is not an agent of this company");
                            }
                        }))
                .map(owner -> {
                    MemoryScope m = new MemoryScope();
                    m.id = Ids.newId();
                    m.companyId = companyId;
                    m.name = name;
                    m.kind = request.kind();
                    m.ownerId = owner;
                    m.ownerAgentId = ownerAgent;
                    m.createdAt = Timestamps.now();
                    return m;
                })
                .call(m -> accessOf(m, callingAgent).invoke(access -> {
                    if (!access.writes()) {
                        throw ApiException.forbidden("an agent creates only memory scopes it may write: the company's, "
                                + "its team's, its own, its tasks', and its team's projects'");
                    }
                }))
                .chain(scopes::persist)
                .call(m -> outbox.append(OrgEvents.memoryScope(m, actorType, actorId)));
    }

    /** A scope the caller may read; for an agent, one it may not read is not found (404). */
    @WithSession
    public Uni<MemoryScope> getScope(UUID companyId, UUID scopeId, UUID callingAgent) {
        return readable(companyId, scopeId, callingAgent).map(ScopeAccess::scope);
    }

    /** The scopes the caller may read: all of them for the board, those it belongs to for an agent. */
    @WithSession
    public Uni<Page<MemoryScope>> listScopes(UUID companyId, MemoryScopeKind kind, UUID ownerId, UUID callingAgent,
                                             PageRequest page) {
        Uni<MemoryAccess.AgentMember> reader = callingAgent == null ? Uni.createFrom().nullItem() : member(companyId, callingAgent);
        return companies.get(companyId)
                .chain(() -> reader)
                .chain(member -> scopes.page(companyId, page.afterId(), kind, ownerId, member, page.fetchSize()))
                .map(rows -> page.page(rows, m -> m.id.toString()));
    }

    /** Writes an entry: 404 for a scope the agent may not read, 403 for one it reads but may not write. */
    @WithTransaction
    public Uni<MemoryEntry> createEntry(UUID companyId, UUID scopeId, CreateMemoryEntry request, UUID callingAgent,
                                        String actorType, String actorId) {
        if (request.embedding() != null) {
            requireFinite(request.embedding());
        }
        return readable(companyId, scopeId, callingAgent).chain(readable -> {
            if (!readable.access().writes()) {
                throw ApiException.forbidden("this agent may read memory scope " + scopeId + " but not write to it");
            }
            MemoryEntry e = new MemoryEntry();
            e.id = Ids.newId();
            e.companyId = companyId;
            e.scopeId = scopeId;
            e.content = request.content();
            e.tags = request.tags() == null ? List.of() : request.tags().stream().map(String::trim).distinct().toList();
            e.metadata = request.metadata() == null ? Map.of() : new LinkedHashMap<>(request.metadata());
            e.embedding = request.embedding();
            e.runId = request.runId();
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
    public Uni<Page<MemoryEntry>> listEntries(UUID companyId, UUID scopeId, String text, String tag, UUID callingAgent,
                                              PageRequest page) {
        return getScope(companyId, scopeId, callingAgent).chain(scope -> {
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
    public Uni<List<MemoryEntry>> searchByEmbedding(UUID companyId, UUID scopeId, float[] embedding, int k,
                                                    UUID callingAgent) {
        if (!vectors.available()) {
            throw new ApiException(501, "vector_unavailable", "Not Implemented",
                    "semantic search needs the pgvector extension, which this installation does not have; "
                            + "use full-text search (GET …/entries?q=) instead");
        }
        requireFinite(embedding);
        return getScope(companyId, scopeId, callingAgent).chain(scope -> entries.nearest(scopeId, literal(embedding), embedding.length, k));
    }

    /** A scope and what the caller may do with it. */
    private record ScopeAccess(MemoryScope scope, MemoryAccess access) {
    }

    private Uni<ScopeAccess> readable(UUID companyId, UUID scopeId, UUID callingAgent) {
        return scopes.findInCompany(companyId, scopeId)
                .onItem().ifNull().failWith(() -> ApiException.notFound("memory scope " + scopeId))
                .chain(scope -> accessOf(scope, callingAgent).map(access -> {
                    if (!access.reads()) {
                        throw ApiException.notFound("memory scope " + scopeId);
                    }
                    return new ScopeAccess(scope, access);
                }));
    }

    /** The board and admins use every scope (viewers were refused writes before); agents as {@link MemoryAccess} says. */
    private Uni<MemoryAccess> accessOf(MemoryScope scope, UUID callingAgent) {
        if (callingAgent == null) {
            return Uni.createFrom().item(MemoryAccess.write);
        }
        return member(scope.companyId, callingAgent).chain(member -> {
            if (member == null) {
                return Uni.createFrom().item(MemoryAccess.none);
            }
            if (scope.kind != MemoryScopeKind.project) {
                return Uni.createFrom().item(MemoryAccess.of(scope.kind, scope.ownerId, scope.ownerAgentId, member, null));
            }
            return projects.findInCompany(scope.companyId, scope.ownerId).map(p ->
                    MemoryAccess.of(scope.kind, scope.ownerId, scope.ownerAgentId, member, p == null ? null : p.teamId));
        });
    }

    /** The calling agent with its team, or null when it is no agent of the company. */
    private Uni<MemoryAccess.AgentMember> member(UUID companyId, UUID agentId) {
        return agents.findInCompany(companyId, agentId)
                .map(a -> a == null ? null : new MemoryAccess.AgentMember(a.id, a.teamId));
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
