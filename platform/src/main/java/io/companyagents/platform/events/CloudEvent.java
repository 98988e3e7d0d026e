package io.companyagents.platform.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;

import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * A CloudEvents 1.0 event in structured JSON mode. Extensions are top-level members as the
 * JSON format requires. {@code data} never carries a secret value.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"specversion", "id", "source", "type", "subject", "time", "datacontenttype",
        "companyid", "actortype", "actorid", "subjecttype", "subjectid", "data"})
public record CloudEvent(
        String specversion,
        UUID id,
        String source,
        String type,
        String subject,
        OffsetDateTime time,
        String datacontenttype,
        UUID companyid,
        String actortype,
        String actorid,
        String subjecttype,
        String subjectid,
        JsonNode data) {

    public static final String SPEC_VERSION = "1.0";
    public static final String CONTENT_TYPE = "application/cloudevents+json";
}
