package io.companyagents.agents.domain;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The org chart: the forest the {@code reportsTo} lines draw, roots first, each level in the
 * order the agents were given (creation order when they come by id).
 */
public final class OrgChart {

    public record Node(Agent agent, List<Node> reports) {
    }

    private OrgChart() {
    }

    public static List<Node> of(List<Agent> agents) {
        Map<UUID, Node> nodes = new LinkedHashMap<>();
        for (Agent a : agents) {
            nodes.put(a.id, new Node(a, new ArrayList<>()));
        }
        List<Node> roots = new ArrayList<>();
        for (Node node : nodes.values()) {
            Node manager = node.agent().reportsTo == null ? null : nodes.get(node.agent().reportsTo);
            // a manager outside the given agents makes this agent a root rather than vanish
            if (manager == null || reachesUp(manager, node.agent().id, nodes)) {
                roots.add(node);
            } else {
                manager.reports().add(node);
            }
        }
        return roots;
    }

    /** Guards against a cycle the database should never hold: such an agent becomes a root. */
    private static boolean reachesUp(Node from, UUID target, Map<UUID, Node> nodes) {
        int guard = nodes.size();
        for (Node n = from; n != null && guard-- >= 0; ) {
            if (n.agent().id.equals(target)) {
                return true;
            }
            n = n.agent().reportsTo == null ? null : nodes.get(n.agent().reportsTo);
        }
        return false;
    }
}
