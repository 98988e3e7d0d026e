package io.companyagents.gateway.auth;

import java.util.List;
import java.util.UUID;

/** Who an API key stands for. For admin and board keys the actor is the key; for an agent key, the agent. */
public record Identity(UUID keyId, String actorType, String actorId, UUID companyId, String role, List<String> scopes) {
}
