package io.companyagents.secrets.domain;

import java.time.OffsetDateTime;
import java.util.UUID;

/** An agent's permission to reveal one secret. */
public record Grant(UUID secretId, UUID agentId, OffsetDateTime grantedAt, String grantedByType, String grantedById) {
}
