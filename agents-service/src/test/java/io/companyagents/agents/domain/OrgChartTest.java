package io.companyagents.agents.domain;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

class OrgChartTest {

    private static Agent agent(String name, Agent manager) {
        Agent a = new Agent();
        a.id = UUID.randomUUID();
        a.name = name;
        a.reportsTo = manager == null ? null : manager.id;
        return a;
    }

    @Test
    void reportsHangUnderTheirManagerInTheOrderGiven() {
        Agent ceo = agent("ceo", null);
        Agent cto = agent("cto", ceo);
        Agent dev = agent("dev", cto);
        Agent cfo = agent("cfo", ceo);
        Agent solo = agent("solo", null);
        // a report listed before its manager still lands under it
        List<OrgChart.Node> roots = OrgChart.of(List.of(dev, ceo, cto, cfo, solo));
        assertEquals(List.of("ceo", "solo"), roots.stream().map(n -> n.agent().name).toList());
        assertEquals(List.of("cto", "cfo"), roots.get(0).reports().stream().map(n -> n.agent().name).toList());
        assertEquals("dev", roots.get(0).reports().get(0).reports().get(0).agent().name);
    }

    @Test
    void anAgentWhoseManagerIsNotInTheListIsARootNotLost() {
        Agent missing = agent("missing", null);
        Agent orphan = agent("orphan", missing);
        assertEquals(List.of("orphan"), OrgChart.of(List.of(orphan)).stream().map(n -> n.agent().name).toList());
    }

    @Test
    void aCycleNeverLoopsForever() {
        Agent a = agent("a", null);
        Agent b = agent("b", a);
        a.reportsTo = b.id;
        assertEquals(2, OrgChart.of(List.of(a, b)).size());
    }
}
