package io.companyagents.agents.rest;

import io.companyagents.agents.domain.MemoryScopeKind;
import io.companyagents.agents.rest.MemoryApi.CreateMemoryEntry;
import io.companyagents.agents.rest.MemoryApi.CreateMemoryScope;
import io.companyagents.agents.rest.MemoryApi.MemoryEntryView;
import io.companyagents.agents.rest.MemoryApi.MemoryScopeView;
import io.companyagents.agents.rest.MemoryApi.MemorySearchResult;
import io.companyagents.agents.rest.MemoryApi.SearchMemoryEntries;
import io.companyagents.agents.service.IdempotentCreate;
import io.companyagents.agents.service.MemoryService;
import io.companyagents.platform.paging.Page;
import io.companyagents.platform.paging.PageRequest;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.UUID;

/**
 * Memory the company's agents share. The board reads and writes every scope (viewers only
 * read); an agent key only the scopes it belongs to ({@link io.companyagents.agents.domain.MemoryAccess}),
 * and a scope it may not read is not found.
 */
@Path("/api/v1/companies/{companyId}/memory-scopes")
@Tag(name = "Memory", description = "Agent keys use only the scopes they belong to: the company scope, their "
        + "team's, their own (agent), the task scopes naming them as ownerAgentId, and project scopes (every agent "
        + "reads them; the project's team writes, or everyone when the project has no team). A scope an agent may "
        + "not read is 404; a write to one it may only read is 403. Board keys use every scope (viewers read only). "
        + "Entries record who wrote them (createdByType, createdBy) and optionally the run (runId).")
public class MemoryResource {

    @Inject
    MemoryService memory;

    @Inject
    OrgAccess access;

    @Inject
    IdempotentCreate idempotent;

    @POST
    @Operation(summary = "Create a memory scope; an agent creates only scopes it may write (403). Honours Idempotency-Key")
    public Uni<Response> createMemoryScope(@PathParam("companyId") UUID companyId,
                                           @HeaderParam(IdempotentCreate.HEADER) String idempotencyKey,
                                           @Valid @NotNull CreateMemoryScope body) {
        access.contribute(companyId);
        UUID agent = access.agentOrNull();
        String actorType = access.actorType();
        String actorId = access.actorId();
        return idempotent.create(companyId, idempotencyKey, "/api/v1/companies/" + companyId + "/memory-scopes", body,
                () -> memory.createScope(companyId, body, agent, actorType, actorId).map(MemoryScopeView::of));
    }

    @GET
    @Operation(summary = "List memory scopes, optionally by kind and owner")
    public Uni<Page<MemoryScopeView>> listMemoryScopes(@PathParam("companyId") UUID companyId,
                                                       @QueryParam("kind") String kind, @QueryParam("ownerId") UUID ownerId,
                                                       @QueryParam("limit") Integer limit, @QueryParam("cursor") String cursor) {
        access.read(companyId);
        PageRequest page = PageRequest.of(limit, cursor);
        return memory.listScopes(companyId, Filters.oneOf("kind", kind, MemoryScopeKind.class), ownerId,
                        access.agentOrNull(), page)
                .map(p -> new Page<>(p.items().stream().map(MemoryScopeView::of).toList(), p.nextCursor()));
    }

    @GET
    @Path("{scopeId}")
    @Operation(summary = "Get a memory scope")
    public Uni<MemoryScopeView> getMemoryScope(@PathParam("companyId") UUID companyId, @PathParam("scopeId") UUID scopeId) {
        access.read(companyId);
        return memory.getScope(companyId, scopeId, access.agentOrNull()).map(MemoryScopeView::of);
    }

    @POST
    @Path("{scopeId}/entries")
    @Operation(summary = "Write a memory entry (an agent: 404 for a scope it may not read, 403 for one it may only read). "
            + "Honours Idempotency-Key")
    public Uni<Response> createMemoryEntry(@PathParam("companyId") UUID companyId, @PathParam("scopeId") UUID scopeId,
                                           @HeaderParam(IdempotentCreate.HEADER) String idempotencyKey,
                                           @Valid @NotNull CreateMemoryEntry body) {
        access.contribute(companyId);
        UUID agent = access.agentOrNull();
        String actorType = access.actorType();
        String actorId = access.actorId();
        return idempotent.create(companyId, idempotencyKey,
                "/api/v1/companies/" + companyId + "/memory-scopes/" + scopeId + "/entries", body,
                () -> memory.createEntry(companyId, scopeId, body, agent, actorType, actorId).map(MemoryEntryView::of));
    }

    @GET
    @Path("{scopeId}/entries")
    @Operation(summary = "List a scope's entries in creation order, or with q= the full-text matches best first "
            + "(web-search syntax); tag= keeps entries with that tag")
    public Uni<Page<MemoryEntryView>> listMemoryEntries(@PathParam("companyId") UUID companyId,
                                                        @PathParam("scopeId") UUID scopeId, @QueryParam("q") String q,
                                                        @QueryParam("tag") String tag, @QueryParam("limit") Integer limit,
                                                        @QueryParam("cursor") String cursor) {
        access.read(companyId);
        PageRequest page = PageRequest.of(limit, cursor);
        return memory.listEntries(companyId, scopeId, Filters.text(q), Filters.text(tag), access.agentOrNull(), page)
                .map(p -> new Page<>(p.items().stream().map(MemoryEntryView::of).toList(), p.nextCursor()));
    }

    @POST
    @Path("{scopeId}/entries/search")
    @Operation(summary = "Semantic search: the k entries nearest the embedding (cosine). 501 vector_unavailable without pgvector")
    public Uni<MemorySearchResult> searchMemoryEntries(@PathParam("companyId") UUID companyId,
                                                       @PathParam("scopeId") UUID scopeId,
                                                       @Valid @NotNull SearchMemoryEntries body) {
        access.read(companyId);
        int k = body.k() == null ? 10 : body.k();
        return memory.searchByEmbedding(companyId, scopeId, body.embedding(), k, access.agentOrNull())
                .map(rows -> new MemorySearchResult(rows.stream().map(MemoryEntryView::of).toList()));
    }
}
