package io.companyagents.platform.outbox;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class OutboxGroupTest {

    private static final UUID ACME = UUID.randomUUID();
    private static final UUID GLOBEX = UUID.randomUUID();

    private static Outbox.OutboxRow event(String topic, UUID company, String type, String json) {
        return new Outbox.OutboxRow(UUID.randomUUID(), topic, company, type, json);
    }

    /** What the relay publishes from the rows, in row order: topic, key, type and body of each record. */
    private static List<String> published(List<Outbox.OutboxRow> rows) {
        List<String> records = new ArrayList<>();
        for (Outbox.OutboxRow row : rows) {
            for (OutboxGroup.Event e : OutboxGroup.events(row.type(), row.payload())) {
                records.add(row.topic() + " " + row.companyId() + " " + e.type() + " " + e.json());
            }
        }
        return records;
    }

    private static String record(Outbox.OutboxRow e) {
        return e.topic() + " " + e.companyId() + " " + e.type() + " " + e.payload();
    }

    @Test
    void aTransactionsEventsForOneTopicAndCompanyAreOneRowPublishedAsTheEventsInOrder() {
        var lease = event("ca.tasks.v1", ACME, "io.companyagents.lease.granted", "{\"id\":\"1\",\"data\":{\"note\":\"a\\nb\"}}");
        var run = event("ca.tasks.v1", ACME, "io.companyagents.run.started", "{\"id\":\"2\"}");
        var status = event("ca.tasks.v1", ACME, "io.companyagents.task.status_changed", "{\"id\":\"3\"}");

        List<Outbox.OutboxRow> rows = Outbox.grouped(List.of(lease, run, status));

        assertEquals(1, rows.size());
        assertEquals(lease.eventId(), rows.get(0).eventId(), "the row carries its first event's id");
        assertEquals(3, OutboxGroup.size(rows.get(0).type()));
        assertEquals(List.of(record(lease), record(run), record(status)), published(rows));
    }

    @Test
    void eachTopicAndCompanyKeepsItsOwnOrderAndAnEventThatCannotJoinClosesItsGroup() {
        var a1 = event("ca.tasks.v1", ACME, "t.a", "{\"n\":1}");
        var g1 = event("ca.tasks.v1", GLOBEX, "t.a", "{\"n\":2}");
        var a2 = event("ca.tasks.v1", ACME, "t.b", "{\"n\":3}");
        var odd = event("ca.tasks.v1", ACME, "t.c", "{\n\"n\": 4\n}"); // raw line feeds: a row of its own
        var a3 = event("ca.tasks.v1", ACME, "t.d", "{\"n\":5}");
        var other = event("ca.ledger.v1", ACME, "t.e", "{\"n\":6}");

        List<Outbox.OutboxRow> rows = Outbox.grouped(List.of(a1, g1, a2, odd, a3, other));

        assertEquals(5, rows.size(), "Acme's first two, Globex's, the odd one, Acme's last, the ledger's");
        List<String> records = published(rows);
        assertEquals(List.of(record(a1), record(a2), record(odd), record(a3)),
                records.stream().filter(r -> r.startsWith("ca.tasks.v1 " + ACME)).toList(), "Acme's tasks events in order");
        assertEquals(List.of(record(g1)), records.stream().filter(r -> r.contains(GLOBEX.toString())).toList());
        assertEquals(List.of(record(other)), records.stream().filter(r -> r.startsWith("ca.ledger.v1")).toList());
        assertEquals(6, records.size());
    }

    @Test
    void aCascadeBecomesSeveralRowsOfAtMostTheLimitKeepingItsOrder() {
        List<Outbox.OutboxRow> events = new ArrayList<>();
        for (int i = 0; i < 2 * OutboxGroup.MAX_EVENTS + 1; i++) {
            events.add(event("ca.tasks.v1", ACME, "t.cancelled", "{\"n\":" + i + "}"));
        }
        List<Outbox.OutboxRow> rows = Outbox.grouped(events);
        assertEquals(List.of(OutboxGroup.MAX_EVENTS, OutboxGroup.MAX_EVENTS, 1),
                rows.stream().map(r -> OutboxGroup.size(r.type())).toList());
        assertEquals(events.stream().map(OutboxGroupTest::record).toList(), published(rows));
    }

    @Test
    void aSingleEventIsARowAsItAlwaysWas() {
        var only = event("ca.agents.v1", ACME, "io.companyagents.agent.created", "{\"id\":\"x\"}");
        assertEquals(List.of(only), Outbox.grouped(List.of(only)));
        assertEquals(List.of(new OutboxGroup.Event(only.type(), only.payload())), OutboxGroup.events(only.type(), only.payload()));
        // a row written before groups existed may hold raw line feeds in its JSON: still one event
        assertEquals(List.of(new OutboxGroup.Event("t.x", "{\n}")), OutboxGroup.events("t.x", "{\n}"));
    }

    @Test
    void aGroupWhoseTypesAndEventsDoNotPairUpIsRefused() {
        assertThrows(IllegalStateException.class, () -> OutboxGroup.events("t.a\nt.b", "{}"));
    }
}
