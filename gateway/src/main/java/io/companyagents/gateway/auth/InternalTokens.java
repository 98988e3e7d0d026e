package io.companyagents.gateway.auth;

import io.companyagents.platform.identity.InternalToken;
import io.smallrye.jwt.build.Jwt;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Mints the short-lived internal JWT (RS256, 60 s) services trust, reusing one per key for
 * 30 s so signing stays off the hot path.
 */
@ApplicationScoped
public class InternalTokens {

    private static final long LIFETIME_SECONDS = 60;
    private static final long REUSE_NANOS = 30_000_000_000L;

    private final Map<UUID, Minted> minted = new ConcurrentHashMap<>();

    private record Minted(String token, long reuseUntil) {
    }

    public String tokenFor(Identity identity) {
        Minted hit = minted.get(identity.keyId());
        long now = System.nanoTime();
        if (hit != null && hit.reuseUntil - now > 0) {
            return hit.token;
        }
        var builder = Jwt.issuer(InternalToken.ISSUER)
                .subject(identity.actorId())
                .claim(InternalToken.ACTOR_TYPE, identity.actorType())
                .claim(InternalToken.ROLE, identity.role())
                .claim(InternalToken.KEY_ID, identity.keyId().toString())
                .claim(InternalToken.SCOPES, identity.scopes())
                .expiresIn(LIFETIME_SECONDS);
        if (identity.companyId() != null) {
            builder.claim(InternalToken.COMPANY_ID, identity.companyId().toString());
        }
        String token = builder.sign();
        if (minted.size() > 100_000) {
            minted.clear();
        }
        minted.put(identity.keyId(), new Minted(token, now + REUSE_NANOS));
        return token;
    }
}
