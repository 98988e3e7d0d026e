package io.companyagents.ledger.rest;

import io.companyagents.platform.problem.ApiException;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/** {@code ?from=&to=}: RFC 3339 timestamps or UTC dates, {@code from} inclusive and {@code to} exclusive. */
public record TimeRange(OffsetDateTime from, OffsetDateTime to) {

    public static TimeRange of(String from, String to) {
        TimeRange range = new TimeRange(parse("from", from), parse("to", to));
        if (range.from != null && range.to != null && !range.from.isBefore(range.to)) {
            throw ApiException.validation("to", "must be after from");
        }
        return range;
    }

    static OffsetDateTime parse(String field, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return value.length() == 10 ? LocalDate.parse(value).atStartOfDay().atOffset(ZoneOffset.UTC)
                    : OffsetDateTime.parse(value);
        } catch (DateTimeParseException e) {
            throw ApiException.validation(field, "must be an RFC 3339 timestamp or a date (YYYY-MM-DD, UTC)");
        }
    }
}
