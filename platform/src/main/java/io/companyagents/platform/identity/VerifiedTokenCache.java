package io.companyagents.platform.identity;

import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.ParseException;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.time.Clock;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Verifies the gateway's internal token once and remembers it until it expires. The gateway
 * reuses one token per API key for 30 s, so without this every request would repeat the same
 * RS256 signature check and claims parsing. A token is only ever served from here after it
 * passed the full check (signature, issuer, expiry) and only while it has not expired, so the
 * cache can never admit something the verifier would refuse. Bounded: cleared when it holds
 * more tokens than any realistic number of live keys.
 */
@Alternative
@Priority(1)
@ApplicationScoped
public class VerifiedTokenCache extends DefaultJWTParser {

    static final int MAX_ENTRIES = 50_000;

    private final ConcurrentHashMap<String, Verified> verified = new ConcurrentHashMap<>();
    private final Clock clock;

    private static final class Verified {
        final JsonWebToken token;
        final long expiresAtSecond;
        volatile CallerClaims claims;

        Verified(JsonWebToken token, long expiresAtSecond) {
            this.token = token;
            this.expiresAtSecond = expiresAtSecond;
        }
    }

    /** For CDI: the verification settings are injected into the superclass. */
    public VerifiedTokenCache() {
        this.clock = Clock.systemUTC();
    }

    VerifiedTokenCache(JWTAuthContextInfo settings, Clock clock) {
        super(settings);
        this.clock = clock;
    }

    @Override
    public JsonWebToken parse(String token) throws ParseException {
        long now = clock.instant().getEpochSecond();
        Verified hit = verified.get(token);
        if (hit != null) {
            if (now < hit.expiresAtSecond) {
                return hit.token;
            }
            verified.remove(token, hit);
        }
        JsonWebToken jwt = super.parse(token);
        long expiresAt = jwt.getExpirationTime();
        if (expiresAt > now) {
            if (verified.size() >= MAX_ENTRIES) {
                verified.clear();
            }
            verified.put(token, new Verified(jwt, expiresAt));
        }
        return jwt;
    }

    /** The claims of the request's (verified) token, computed once per cached token. */
    public CallerClaims claimsOf(JsonWebToken jwt) {
        String raw = jwt.getRawToken();
        Verified hit = raw == null ? null : verified.get(raw);
        if (hit == null) {
            return CallerClaims.of(jwt);
        }
        CallerClaims claims = hit.claims;
        if (claims == null) {
            claims = CallerClaims.of(hit.token);
            hit.claims = claims;
        }
        return claims;
    }

    int size() {
        return verified.size();
    }
}
