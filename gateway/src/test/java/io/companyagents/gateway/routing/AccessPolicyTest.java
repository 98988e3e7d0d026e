package io.companyagents.gateway.routing;

import io.companyagents.gateway.auth.Identity;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AccessPolicyTest {

    private final UUID company = UUID.randomUUID();
    private final UUID other = UUID.randomUUID();
    private final UUID agentId = UUID.randomUUID();
    private final Identity owner = new Identity(UUID.randomUUID(), "board", UUID.randomUUID().toString(), company, "owner", List.of());
    private final Identity viewer = new Identity(UUID.randomUUID(), "board", UUID.randomUUID().toString(), company, "viewer", List.of());
    private final Identity agent = new Identity(UUID.randomUUID(), "agent", agentId.toString(), company, "agent", List.of());
    private final Identity admin = new Identity(UUID.randomUUID(), "admin", "k", null, "admin", List.of("*"));

    private int status(Identity who, String method, String path) {
        Optional<AccessPolicy.Refusal> r = AccessPolicy.check(who, method, path);
        return r.map(AccessPolicy.Refusal::status).orElse(200);
    }

    @Test
    void anotherCompanysPathIsNotFoundForEveryNonAdminKey() {
        for (Identity who : List.of(owner, viewer, agent)) {
            assertEquals(404, status(who, "GET", "/api/v1/companies/" + other + "/tasks"));
            assertEquals(404, status(who, "POST", "/api/v1/companies/" + other + "/claims"));
            assertEquals(404, status(who, "GET", "/api/v1/companies/not-a-uuid"));
            assertEquals(200, status(who, "GET", "/api/v1/companies/" + company + "/tasks"));
        }
        assertEquals(200, status(admin, "GET", "/api/v1/companies/" + other + "/tasks"));
    }

    @Test
    void aViewerOnlyReads() {
        assertEquals(200, status(viewer, "GET", "/api/v1/companies/" + company + "/audit-events/stream"));
        for (String method : List.of("POST", "PUT", "PATCH", "DELETE")) {
            assertEquals(403, status(viewer, method, "/api/v1/companies/" + company + "/tasks"));
        }
        assertEquals(200, status(owner, "POST", "/api/v1/companies/" + company + "/tasks"));
    }

    @Test
    void anAgentKeyReachesWhatItsWorkNeedsAndNothingElse() {
        String base = "/api/v1/companies/" + company;
        for (String allowed : List.of("/claims", "/tasks/x/claim", "/tasks/x/actions/start", "/leases/x/heartbeat",
                "/runs/x/finish", "/runs/x/events", "/cost-entries", "/memory-scopes/x/entries", "/agents/" + agentId + "/journal",
                "/notifications/x/ack", "/secrets/x/reveal")) {
            assertEquals(200, status(agent, "POST", base + allowed), allowed);
        }
        for (String refused : List.of("/agents", "/agents/x/pause", "/agents/x/keys", "/teams", "/secrets", "/secrets/x/grants")) {
            assertEquals(403, status(agent, "POST", base + refused), refused);
        }
        assertEquals(403, status(agent, "PUT", base + "/budgets/agent/" + agentId));
        assertEquals(403, status(agent, "GET", base + "/keys"));
        assertEquals(403, status(agent, "POST", "/api/v1/keys"));
        assertEquals(403, status(agent, "POST", "/api/v1/admin/keys/rotate"));
        assertEquals(403, status(owner, "POST", "/api/v1/admin/keys/rotate"));
        assertEquals(403, status(owner, "POST", "/api/v1/companies"));
        assertTrue(AccessPolicy.check(admin, "POST", "/api/v1/admin/keys/rotate").isEmpty());
    }
}
