package io.companyagents.audit.rest;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.companyagents.audit.domain.AuditChain;
import io.companyagents.audit.domain.AuditRecord;
import io.companyagents.audit.service.AuditQueries;
import io.companyagents.platform.identity.Caller;
import io.companyagents.platform.paging.PageRequest;
import io.companyagents.platform.problem.ApiException;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import java.nio.charset.StandardCharsets;
import jakarta.ws.rs.core.StreamingOutput;

@Path("/api/v1/companies/{companyId}/audit-events/export")
@Tag(name = "Audit")
public class AuditExportResource {

    private static final int BATCH = PageRequest.MAX_LIMIT;
    private static final String CSV_HEADER = "seq,id,type,occurredAt,recordedAt,actorType,actorId,subjectType,subjectId,data,hash,prevHash\n";

    @Inject
    AuditQueries queries;

    @Inject
    Caller caller;

    @Inject
    ObjectMapper mapper;

    /**
     * The trail as NDJSON (one event per line) or CSV, streamed page by page in seq order — never
     * held in memory whole. Takes the list's filters.
     */
    @GET
    @io.smallrye.common.annotation.Blocking
    @Operation(summary = "Export the audit trail as NDJSON or CSV (streamed); filters as the list")
    public Response export(@PathParam("companyId") UUID companyId,
                           @QueryParam("format") String format, @QueryParam("type") String type,
                           @QueryParam("actorId") String actorId,
                           @QueryParam("subjectType") String subjectType,
                           @QueryParam("subjectId") String subjectId,
                           @QueryParam("from") String from, @QueryParam("to") String to) {
        caller.requireCompany(companyId);
        boolean csv;
        if (format == null || format.equals("ndjson")) {
            csv = false;
        } else if (format.equals("csv")) {
            csv = true;
        } else {
            throw ApiException.validation("format", "ndjson or csv");
        }
        AuditQueries.Filter filter = new AuditQueries.Filter(type, actorId, subjectType, subjectId, AuditResource.time("from", from), AuditResource.time("to", to));
        // written page by page on a worker thread: the export never sits in memory whole
        StreamingOutput body = out -> {
            if (csv) {
                out.write(CSV_HEADER.getBytes(StandardCharsets.UTF_8));
            }
            String cursor = null;
            do {
                var page = queries.list(companyId, filter, PageRequest.of(BATCH, cursor)).await().indefinitely();
                out.write(render(page.items(), csv).getBytes(StandardCharsets.UTF_8));
                out.flush();
                cursor = page.nextCursor();
            } while (cursor != null);
        };
        String file = "audit-" + companyId + (csv ? ".csv" : ".ndjson");
        return Response.ok(body).type(csv ? "text/csv; charset=UTF-8" : "application/x-ndjson")
                .header("Content-Disposition", "attachment; filename=\"" + file + "\"").build();
    }

    private String render(List<AuditRecord> items, boolean csv) {
        StringBuilder out = new StringBuilder(items.size() * 300);
        for (AuditRecord r : items) {
            if (csv) {
                out.append(r.seq()).append(',').append(r.id()).append(',').append(cell(r.type())).append(',')
                        .append(AuditChain.instant(r.occurredAt())).append(',').append(AuditChain.instant(r.recordedAt())).append(',')
                        .append(cell(r.actorType())).append(',').append(cell(r.actorId())).append(',')
                        .append(cell(r.subjectType())).append(',').append(cell(r.subjectId())).append(',')
                        .append(cell(r.data() == null ? "" : r.data().toString())).append(',')
                        .append(r.hash()).append(',').append(r.prevHash()).append('\n');
            } else {
                try {
                    out.append(mapper.writeValueAsString(AuditResource.AuditEventView.of(r))).append('\n');
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return out.toString();
    }

    /** RFC 4180: quote when needed, double the quotes; a leading formula character is neutralised. */
    static String cell(String value) {
        if (value == null) {
            return "";
        }
        String v = value;
        if (!v.isEmpty() && "=+-@".indexOf(v.charAt(0)) >= 0) {
            v = "'" + v;
        }
        if (v.contains(",") || v.contains("\"") || v.contains("\n") || v.contains("\r")) {
            return "\"" + v.replace("\"", "\"\"") + "\"";
        }
        return v;
    }

}
