package io.companyagents.agents.rest;

import io.companyagents.agents.domain.JournalKind;
import io.companyagents.agents.rest.JournalApi.CreateJournalEntry;
import io.companyagents.agents.rest.JournalApi.JournalEntryView;
import io.companyagents.agents.service.IdempotentCreate;
import io.companyagents.agents.service.JournalService;
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

/** An agent's journal: the agent writes its own (the board may too); anyone of the company reads it. */
@Path("/api/v1/companies/{companyId}/agents/{agentId}/journal")
@Tag(name = "Journals")
public class JournalResource {

    @Inject
    JournalService journal;

    @Inject
    OrgAccess access;

    @Inject
    IdempotentCreate idempotent;

    @POST
    @Operation(summary = "Append to an agent's journal (that agent's key, or a board owner/operator). Honours Idempotency-Key")
    public Uni<Response> appendJournalEntry(@PathParam("companyId") UUID companyId, @PathParam("agentId") UUID agentId,
                                            @HeaderParam(IdempotentCreate.HEADER) String idempotencyKey,
                                            @Valid @NotNull CreateJournalEntry body) {
        access.actFor(companyId, agentId);
        String actorType = access.actorType();
        String actorId = access.actorId();
        return idempotent.create(companyId, idempotencyKey,
                "/api/v1/companies/" + companyId + "/agents/" + agentId + "/journal", body,
                () -> journal.append(companyId, agentId, body, actorType, actorId).map(JournalEntryView::of));
    }

    @GET
    @Operation(summary = "Read an agent's journal in order, optionally by kind and task")
    public Uni<Page<JournalEntryView>> listJournalEntries(@PathParam("companyId") UUID companyId,
                                                          @PathParam("agentId") UUID agentId, @QueryParam("kind") String kind,
                                                          @QueryParam("taskId") UUID taskId, @QueryParam("limit") Integer limit,
                                                          @QueryParam("cursor") String cursor) {
        access.read(companyId);
        PageRequest page = PageRequest.of(limit, cursor);
        return journal.list(companyId, agentId, Filters.oneOf("kind", kind, JournalKind.class), taskId, page)
                .map(p -> new Page<>(p.items().stream().map(JournalEntryView::of).toList(), p.nextCursor()));
    }
}
