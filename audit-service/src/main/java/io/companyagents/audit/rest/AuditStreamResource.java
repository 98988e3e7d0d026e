package io.companyagents.audit.rest;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.companyagents.audit.domain.AuditRecord;
import io.companyagents.audit.service.AuditQueries;
import io.companyagents.audit.service.Checkpoints;
import io.companyagents.platform.identity.Caller;
import io.companyagents.platform.problem.ApiException;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

@Path("/api/v1/companies/{companyId}")
@Tag(name = "Audit")
public class AuditStreamResource {

    private static final int BATCH = 500;

    @Inject
    AuditQueries queries;

    @Inject
    Checkpoints checkpoints;

    @Inject
    Caller caller;

    @Inject
    ObjectMapper mapper;

    @ConfigProperty(name = "company-agents.audit.stream-poll", defaultValue = "PT0.2S")
    Duration poll;

    @ConfigProperty(name = "company-agents.audit.stream-heartbeat", defaultValue = "PT15S")
    Duration heartbeat;

    /**
     * Server-Sent Events: every event after {@code Last-Event-ID} (or {@code ?after=}) in seq
     * order, then new ones as they are appended. {@code id:} is the seq, so a client that
     * reconnects resumes with no gap and no duplicate. Comment lines keep proxies open.
     */
    @GET
    @Path("audit-events/stream")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Operation(summary = "Subscribe to the audit trail (SSE; resume with Last-Event-ID)")
    public void stream(@PathParam("companyId") UUID companyId, @HeaderParam("Last-Event-ID") String lastEventId,
                       @QueryParam("after") Long after, @Context SseEventSink sink, @Context Sse sse) {
        caller.requireCompany(companyId);
        long start = resumeFrom(lastEventId, after);
        AtomicLong last = new AtomicLong(start);
        AtomicLong lastSent = new AtomicLong(System.nanoTime());
        Multi<OutboundSseEvent> events = Multi.createFrom().ticks().every(poll)
                .onOverflow().drop()
                .onItem().transformToUniAndConcatenate(tick -> drain(companyId, last))
                .onItem().transformToMultiAndConcatenate(batch -> {
                    if (batch.isEmpty()) {
                        if (System.nanoTime() - lastSent.get() > heartbeat.toNanos()) {
                            lastSent.set(System.nanoTime());
                            return Multi.createFrom().item(sse.newEventBuilder().comment("keep-alive").build());
                        }
                        return Multi.createFrom().empty();
                    }
                    lastSent.set(System.nanoTime());
                    return Multi.createFrom().iterable(batch).map(r -> sse.newEventBuilder()
                            .id(Long.toString(r.seq())).name(r.type())
                            .mediaType(MediaType.APPLICATION_JSON_TYPE)
                            .data(json(r)).build());
                });
        // a client that left ends the stream at the next event (the watcher below ends it when nothing flows)
        Cancellable subscription = events.select().first(event -> !sink.isClosed()).subscribe().with(
                event -> send(sink, event),
                failure -> sink.close());
        // stop polling once the client is gone
        Multi.createFrom().ticks().every(Duration.ofSeconds(1)).select().where(t -> sink.isClosed())
                .toUni().subscribe().with(t -> subscription.cancel());
    }

    @GET
    @Path("audit/checkpoints/latest")
    @Operation(summary = "The latest signed head of the company's chain (Ed25519)")
    public Uni<Checkpoints.Checkpoint> latestCheckpoint(@PathParam("companyId") UUID companyId) {
        caller.requireCompany(companyId);
        return checkpoints.latest(companyId).onItem().ifNull().failWith(() -> ApiException.notFound("audit trail of company " + companyId));
    }

    /** Sends one event; a client that hung up since the last look is not an error, it is simply gone. */
    private static void send(SseEventSink sink, OutboundSseEvent event) {
        try {
            sink.send(event).whenComplete((ok, failure) -> {
                if (failure != null) {
                    sink.close();
                }
            });
        } catch (IllegalStateException closed) {
            sink.close();
        }
    }

    private Uni<List<AuditRecord>> drain(UUID companyId, AtomicLong last) {
        return queries.after(companyId, last.get(), BATCH).invoke(batch -> {
            if (!batch.isEmpty()) {
                last.set(batch.get(batch.size() - 1).seq());
            }
        });
    }

    private String json(AuditRecord r) {
        try {
            return mapper.writeValueAsString(AuditResource.AuditEventView.of(r));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static long resumeFrom(String lastEventId, Long after) {
        if (lastEventId != null && !lastEventId.isBlank()) {
            try {
                return Long.parseLong(lastEventId.trim());
            } catch (NumberFormatException e) {
                throw ApiException.validation("Last-Event-ID", "must be the seq of an event this stream sent");
            }
        }
        return after == null ? 0 : Math.max(0, after);
    }
}
