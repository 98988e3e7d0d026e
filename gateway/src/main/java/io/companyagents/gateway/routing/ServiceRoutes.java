package io.companyagents.gateway.routing;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Which service owns a public path (ARCHITECTURE.md's ownership table, as code). */
public final class ServiceRoutes {

    private static final String BASE = "/api/v1/";
    private static final Map<String, Backend> COMPANY_COLLECTIONS = Map.ofEntries(
            Map.entry("tasks", Backend.TASKS), Map.entry("claims", Backend.TASKS), Map.entry("leases", Backend.TASKS),
            Map.entry("runs", Backend.TASKS),
            Map.entry("cost-entries", Backend.LEDGER), Map.entry("costs", Backend.LEDGER),
            Map.entry("budgets", Backend.LEDGER), Map.entry("budget-incidents", Backend.LEDGER),
            Map.entry("audit-events", Backend.AUDIT), Map.entry("audit", Backend.AUDIT),
            Map.entry("secrets", Backend.SECRETS),
            Map.entry("keys", Backend.GATEWAY));
    private static final Set<String> AGENT_OWNED = Set.of("teams", "agents", "org-chart", "projects", "products",
            "memory-scopes", "journal", "notifications", "approvals", "integrations");

    private ServiceRoutes() {
    }

    public static Optional<Backend> resolve(String path) {
        if (path == null || !path.startsWith(BASE)) {
            return Optional.empty();
        }
        String[] s = path.substring(BASE.length()).split("/", -1);
        switch (s[0]) {
            case "me":
            case "keys":
                return Optional.of(Backend.GATEWAY);
            case "task-lifecycle":
                return Optional.of(Backend.TASKS);
            case "providers":
                return Optional.of(Backend.LEDGER);
            case "admin":
                return s.length > 1 && s[1].equals("keys") ? Optional.of(Backend.SECRETS) : Optional.empty();
            case "companies":
                return company(s);
            default:
                return Optional.empty();
        }
    }

    private static Optional<Backend> company(String[] s) {
        if (s.length <= 2 || s[2].isEmpty()) {
            return Optional.of(Backend.AGENTS);
        }
        String collection = s[2];
        // agent keys are issued by the gateway: /companies/{id}/agents/{agentId}/keys
        if (collection.equals("agents") && s.length >= 5 && s[4].equals("keys")) {
            return Optional.of(Backend.GATEWAY);
        }
        Backend owner = COMPANY_COLLECTIONS.get(collection);
        if (owner != null) {
            return Optional.of(owner);
        }
        return AGENT_OWNED.contains(collection) ? Optional.of(Backend.AGENTS) : Optional.empty();
    }
}
