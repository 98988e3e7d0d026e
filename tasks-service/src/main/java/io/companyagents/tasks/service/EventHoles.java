package io.companyagents.tasks.service;

/**
 * Events written by the same statement as the change they describe. The service serializes each
 * event before the statement runs, with placeholders where a value only the changed rows know
 * goes; the statement replaces them. Two kinds of placeholder:
 * <ul>
 *   <li>a random UUID drawn for the request (a task's id, a lease's…), or a quoted string derived
 *       from one: replaced wherever it occurs — a request's own text cannot contain a placeholder
 *       it never saw;</li>
 *   <li>a key with a sentinel value ({@code "attempts":-1}, {@code "expiresAt":null}), for numbers
 *       and timestamps, where the event's data holds that key once (checked before sending).</li>
 * </ul>
 * These build the SQL expressions that fill them.
 */
final class EventHoles {

    static final String ATTEMPTS = "\"attempts\":-1";
    static final String VERSION = "\"version\":-1";
    static final String LEASE_EPOCH = "\"leaseEpoch\":-1";
    static final String EXPIRES_AT = "\"expiresAt\":null";

    private EventHoles() {
    }

    /** {@code replace(expr, what, with)}. */
    static String replace(String expr, String what, String with) {
        return "replace(" + expr + ", " + what + ", " + with + ")";
    }

    /** A quoted placeholder ({@code "…"}) built in SQL from a column or parameter and a suffix. */
    static String quoted(String column, String suffix) {
        return "'\"' || " + column + (suffix.isEmpty() ? "" : " || '" + suffix + "'") + " || '\"'";
    }

    /** A value as JSON text, {@code null} when SQL NULL. */
    static String jsonOrNull(String sqlValue) {
        return "coalesce(to_json(" + sqlValue + ")::text, 'null')";
    }

    /**
     * A timestamp as JSON text the way the service's own serializer writes an instant — UTC with a
     * {@code Z}, trailing zeros of the fraction dropped ({@code "2026-12-07T01:06:51.12345Z"}) — or {@code null}.
     */
    static String jsonInstantOrNull(String sqlValue) {
        return "coalesce(rtrim(to_json((" + sqlValue + ") at time zone 'UTC')::text, '\"') || 'Z\"', 'null')";
    }

    /** Replaces the keyed hole {@code "key":sentinel} with {@code "key":} and the JSON text given. */
    static String fillKey(String expr, String hole, String jsonText) {
        String key = hole.substring(0, hole.indexOf(':') + 1);
        return replace(expr, "'" + hole + "'", "'" + key + "' || " + jsonText);
    }

    /** Whether {@code hole} occurs in {@code json} exactly once. */
    static boolean once(String json, String hole) {
        int at = json.indexOf(hole);
        return at >= 0 && json.indexOf(hole, at + 1) < 0;
    }
}
