package io.companyagents.audit.rest;

import com.fasterxml.jackson.databind.JsonNode;
import io.companyagents.audit.domain.AuditRecord;
import io.companyagents.audit.service.AuditQueries;
import io.companyagents.platform.identity.Caller;
import io.companyagents.platform.paging.Page;
import io.companyagents.platform.paging.PageRequest;
import io.companyagents.platform.problem.ApiException;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.UUID;

@Path("/api/v1/companies/{companyId}")
@Tag(name = "Audit")
public class AuditResource {

    @Inject
    AuditQueries queries;

    @Inject
    Caller caller;

    /** An audit event as served: its place in the chain and what happened. */
    public record AuditEventView(long seq, UUID id, String type, OffsetDateTime occurredAt, OffsetDateTime recordedAt,
                                 String actorType, String actorId, String subjectType, String subjectId, JsonNode data,
                                 String hash, String prevHash) {
        public static AuditEventView of(AuditRecord r) {
            return new AuditEventView(r.seq(), r.id(), r.type(), r.occurredAt(), r.recordedAt(), r.actorType(),
                    r.actorId(), r.subjectType(), r.subjectId(), r.data(), r.hash(), r.prevHash());
        }
    }

    @GET
    @Path("audit-events")
    @Operation(summary = "List a company's audit events in seq order")
    public Uni<Page<AuditEventView>> list(@PathParam("companyId") UUID companyId,
                                          @QueryParam("type") String type, @QueryParam("actorId") String actorId,
                                          @QueryParam("subjectType") String subjectType,
                                          @QueryParam("subjectId") String subjectId,
                                          @QueryParam("from") String from, @QueryParam("to") String to,
                                          @QueryParam("limit") Integer limit, @QueryParam("cursor") String cursor) {
        caller.requireCompany(companyId);
        PageRequest page = PageRequest.of(limit, cursor);
        AuditQueries.Filter filter = new AuditQueries.Filter(type, actorId, subjectType, subjectId,
                time("from", from), time("to", to));
        return queries.list(companyId, filter, page)
                .map(p -> new Page<>(p.items().stream().map(AuditEventView::of).toList(), p.nextCursor()));
    }

    @GET
    @Path("audit/verify")
    @Operation(summary = "Recompute the company's hash chain and report the first row that does not fit")
    public Uni<AuditQueries.Verification> verify(@PathParam("companyId") UUID companyId) {
        caller.requireCompany(companyId);
        return queries.verify(companyId);
    }

    /** An optional RFC 3339 query parameter; anything else is a 400 naming the field. */
    static OffsetDateTime time(String field, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value);
        } catch (DateTimeParseException e) {
            throw ApiException.validation(field, "must be an RFC 3339 timestamp");
        }
    }
}
