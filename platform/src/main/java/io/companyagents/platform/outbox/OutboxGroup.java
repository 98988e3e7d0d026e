package io.companyagents.platform.outbox;

import java.util.ArrayList;
import java.util.List;

/**
 * Several events of one transaction, bound for one topic and keyed by one company, kept as one
 * outbox row: the row's {@code event_type} holds their types and its {@code payload} their
 * CloudEvents, each list joined by a line feed, in publication order (newline-delimited JSON). An
 * event's JSON as the services write it has no raw line feed (a serializer escapes it inside
 * strings), nor has a type. A row whose type holds no line feed is one event, as every row was
 * before groups existed; the relay publishes each event of a group as its own record.
 * <p>
 * One row for a transaction's events, where there was one per event, spares the outbox an insert,
 * two index entries and a delete for all but the first of them, on the hot path of every change.
 */
public final class OutboxGroup {

    /**
     * The most events one row holds: a cascade (a cancelled task tree, a company paused) writes many
     * rows rather than one the relay would have to publish in one go.
     */
    public static final int MAX_EVENTS = 100;

    /**
     * A statement's {@code string_agg} of {@code expr} over a group, {@code order by} {@code order}:
     * null (refused by the outbox's not-null columns, as a null event always was) when any event is
     * null, where a bare {@code string_agg} would leave it out.
     */
    public static String sqlJoin(String expr, String order) {
        return "case when count(" + expr + ") = count(*) then string_agg(" + expr + ", " + SQL_SEPARATOR + " order by " + order + ") end";
    }

    /**
     * The select list of a statement that writes a group's outbox row itself: the first event's id,
     * the topic, the company, and the types and events joined (see {@link #sqlJoin}), each in
     * {@code order}. The caller adds the {@code from} and the grouping.
     */
    public static String sqlRow(String id, String topic, String company, String type, String payload, String order) {
        return "select (array_agg(" + id + " order by " + order + "))[1], " + topic + ", " + company + ", "
                + sqlJoin(type, order) + ", " + sqlJoin(payload, order);
    }

    /** What separates a group's types and its events. */
    public static final char SEPARATOR = '\n';

    /** The separator as a Postgres string literal, for statements that group in SQL ({@code string_agg}). */
    public static final String SQL_SEPARATOR = "E'\\n'";

    private OutboxGroup() {
    }

    /** One event of a row: its type and its CloudEvent JSON. */
    public record Event(String type, String json) {
    }

    /** Whether an event can join a group: neither its type nor its JSON holds the separator. */
    public static boolean groupable(String type, String json) {
        return type.indexOf(SEPARATOR) < 0 && json.indexOf(SEPARATOR) < 0;
    }

    /** The events of a row: one, or a group's in order. A group whose lists do not pair up is refused. */
    public static List<Event> events(String type, String payload) {
        if (type.indexOf(SEPARATOR) < 0) {
            return List.of(new Event(type, payload));
        }
        List<String> types = split(type);
        List<String> payloads = split(payload);
        if (types.size() != payloads.size()) {
            throw new IllegalStateException("an outbox group names " + types.size() + " types for " + payloads.size() + " events");
        }
        List<Event> events = new ArrayList<>(types.size());
        for (int i = 0; i < types.size(); i++) {
            events.add(new Event(types.get(i), payloads.get(i)));
        }
        return events;
    }

    /** A group's types, or its events, as the row holds them. */
    public static String join(List<String> parts) {
        return String.join(String.valueOf(SEPARATOR), parts);
    }

    /** How many events a row holds. */
    public static int size(String type) {
        int n = 1;
        for (int i = type.indexOf(SEPARATOR); i >= 0; i = type.indexOf(SEPARATOR, i + 1)) {
            n++;
        }
        return n;
    }

    private static List<String> split(String joined) {
        List<String> parts = new ArrayList<>();
        int from = 0;
        for (int i = joined.indexOf(SEPARATOR); i >= 0; i = joined.indexOf(SEPARATOR, from)) {
            parts.add(joined.substring(from, i));
            from = i + 1;
        }
        parts.add(joined.substring(from));
        return parts;
    }
}
