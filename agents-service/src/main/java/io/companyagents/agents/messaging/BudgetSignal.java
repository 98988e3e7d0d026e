package io.companyagents.agents.messaging;

import io.companyagents.platform.inbox.PoisonEventException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.companyagents.platform.events.EventPayloads.BudgetStateChanged;
import io.companyagents.platform.events.EventType;

import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * A budget crossing its limit or recovering, as the ledger announced it on {@code ca.ledger.v1}
 * (a CloudEvent carrying {@link BudgetStateChanged}).
 */
public record BudgetSignal(UUID eventId, UUID companyId, boolean exceeded, String scopeType, UUID scopeId,
                           boolean hardStop) {

    static final Set<String> SCOPES = Set.of("company", "team", "agent", "project");

    /** Scopes that contain agents; a project budget stops the project's work in tasks-service instead. */
    public boolean scopesAgents() {
        return !"project".equals(scopeType);
    }

    /**
     * The signal in a structured-mode CloudEvent, or empty for any other event on the topic. A
     * budget event that cannot be understood is a {@link PoisonEventException}.
     */
    public static Optional<BudgetSignal> parse(ObjectMapper mapper, String json) {
        JsonNode node;
        try {
            node = mapper.readTree(json);
        } catch (Exception e) {
            throw new PoisonEventException("not JSON");
        }
        if (node == null || !node.isObject()) {
            throw new PoisonEventException("not a JSON object");
        }
        String type = node.path("type").asText("");
        boolean exceeded = EventType.BUDGET_EXCEEDED.type().equals(type);
        if (!exceeded && !EventType.BUDGET_RECOVERED.type().equals(type)) {
            return Optional.empty();
        }
        try {
            UUID id = UUID.fromString(node.path("id").asText());
            UUID company = UUID.fromString(node.path("companyid").asText());
            BudgetStateChanged data = mapper.readerFor(BudgetStateChanged.class)
                    .without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                    .readValue(node.path("data"));
            if (data == null || data.scopeId() == null || !SCOPES.contains(data.scopeType())) {
                throw new PoisonEventException("budget event without a known scope");
            }
            return Optional.of(new BudgetSignal(id, company, exceeded, data.scopeType(), data.scopeId(), data.hardStop()));
        } catch (PoisonEventException e) {
            throw e;
        } catch (Exception e) {
            throw new PoisonEventException("malformed budget event: " + e.getClass().getSimpleName());
        }
    }
}
