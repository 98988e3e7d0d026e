package io.companyagents.agents.rest;

import io.companyagents.agents.domain.MemoryScopeKind;
import io.companyagents.agents.rest.MemoryApi.CreateMemoryEntry;
import io.companyagents.agents.rest.MemoryApi.CreateMemoryScope;
import io.companyagents.agents.rest.MemoryApi.MemoryEntryView;
import io.companyagents.agents.rest.MemoryApi.MemoryScopeView;
import io.companyagents.agents.rest.MemoryApi.MemorySearchResult;
import io.companyagents.agents.rest.MemoryApi.SearchMemoryEntries;
import io.companyagents.agents.service.MemoryService;
import io.companyagents.platform.paging.Page;
import io.companyagents.platform.paging.PageRequest;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.net.URI;
import java.util.UUID;

/** Memory the company's agents share: read by anyone of the company, written by agents and the board. */
@Path("/api/v1/companies/{companyId}/memory-scopes")
@Tag(name = "Memory")
public class MemoryResource {

    @Inject
    MemoryService memory;

    @Inject
    OrgAccess access;

    @POST
    @Operation(summary = "Create a memory scope")
    public Uni<Response> createMemoryScope(@PathParam("companyId") UUID companyId, @Valid @NotNull CreateMemoryScope body) {
        access.contribute(companyId);
        return memory.createScope(companyId, body, access.actorType(), access.actorId())
                .map(m -> Response.created(URI.create("/api/v1/companies/" + companyId + "/memory-scopes/" + m.id))
                        .entity(MemoryScopeView.of(m)).build());
    }

    @GET
    @Operation(summary = "List memory scopes, optionally by kind and owner")
    public Uni<Page<MemoryScopeView>> listMemoryScopes(@PathParam("companyId") UUID companyId,
                                                       @QueryParam("kind") String kind, @QueryParam("ownerId") UUID ownerId,
                                                       @QueryParam("limit") Integer limit, @QueryParam("cursor") String cursor) {
        access.read(companyId);
        PageRequest page = PageRequest.of(limit, cursor);
        return memory.listScopes(companyId, Filters.oneOf("kind", kind, MemoryScopeKind.class), ownerId, page)
                .map(p -> new Page<>(p.items().stream().map(MemoryScopeView::of).toList(), p.nextCursor()));
    }

    @GET
    @Path("{scopeId}")
    @Operation(summary = "Get a memory scope")
    public Uni<MemoryScopeView> getMemoryScope(@PathParam("companyId") UUID companyId, @PathParam("scopeId") UUID scopeId) {
        access.read(companyId);
        return memory.getScope(companyId, scopeId).map(MemoryScopeView::of);
    }

    @POST
    @Path("{scopeId}/entries")
    @Operation(summary = "Write a memory entry")
    public Uni<Response> createMemoryEntry(@PathParam("companyId") UUID companyId, @PathParam("scopeId") UUID scopeId,
                                           @Valid @NotNull CreateMemoryEntry body) {
        access.contribute(companyId);
        return memory.createEntry(companyId, scopeId, body, access.actorType(), access.actorId())
                .map(e -> Response.created(URI.create("/api/v1/companies/" + companyId + "/memory-scopes/" + scopeId
                        + "/entries/" + e.id)).entity(MemoryEntryView.of(e)).build());
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
        return memory.listEntries(companyId, scopeId, Filters.text(q), Filters.text(tag), page)
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
        return memory.searchByEmbedding(companyId, scopeId, body.embedding(), k)
                .map(rows -> new MemorySearchResult(rows.stream().map(MemoryEntryView::of).toList()));
    }
}
