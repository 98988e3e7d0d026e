package io.companyagents.platform.identity;

import org.eclipse.microprofile.jwt.JsonWebToken;

import java.util.Optional;
import java.util.UUID;

/** What a service needs of the gateway's internal token: who acts, for which company, in which role. */
public record CallerClaims(ActorType actorType, String actorId, Optional<UUID> companyId, String role) {

    /** Reads the claims from a verified token; {@code actorType} is null for a token without one. */
    static CallerClaims of(JsonWebToken jwt) {
        String type = jwt.getClaim(InternalToken.ACTOR_TYPE);
        String company = jwt.getClaim(InternalToken.COMPANY_ID);
        String role = jwt.getClaim(InternalToken.ROLE);
        return new CallerClaims(type == null ? null : ActorType.valueOf(type), jwt.getSubject(),
                Optional.ofNullable(company).map(UUID::fromString), role == null ? "" : role);
    }
}
