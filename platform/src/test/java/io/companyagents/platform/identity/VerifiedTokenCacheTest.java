package io.companyagents.platform.identity;

import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.ParseException;
import io.smallrye.jwt.build.Jwt;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The verified-token cache never admits what the verifier refuses, and forgets a token when it expires. */
class VerifiedTokenCacheTest {

    private static KeyPair gatewayKey;
    private static KeyPair otherKey;

    @BeforeAll
    static void keys() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        gatewayKey = generator.generateKeyPair();
        otherKey = generator.generateKeyPair();
    }

    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.now());
    private final Clock clock = new Clock() {
        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    };

    private VerifiedTokenCache cache() {
        JWTAuthContextInfo settings = new JWTAuthContextInfo(gatewayKey.getPublic(), InternalToken.ISSUER);
        return new VerifiedTokenCache(settings, clock);
    }

    private static String token(KeyPair key, String issuer, long lifetimeSeconds) {
        return Jwt.issuer(issuer).subject("agent-1").claim(InternalToken.ACTOR_TYPE, "agent")
                .expiresIn(lifetimeSeconds).sign(key.getPrivate());
    }

    @Test
    void aVerifiedTokenIsServedFromTheCacheUntilItExpires() throws Exception {
        VerifiedTokenCache cache = cache();
        String token = token(gatewayKey, InternalToken.ISSUER, 60);

        JsonWebToken first = cache.parse(token);
        assertEquals("agent-1", first.getSubject());
        assertEquals("agent", first.getClaim(InternalToken.ACTOR_TYPE));
        assertSame(first, cache.parse(token), "the second use of a token is not verified again");
        assertEquals(1, cache.size());
        CallerClaims claims = cache.claimsOf(first);
        assertEquals(new CallerClaims(ActorType.agent, "agent-1", java.util.Optional.empty(), ""), claims);
        assertSame(claims, cache.claimsOf(first), "claims are read once per token");

        now.set(now.get().plusSeconds(61));
        JsonWebToken afterExpiry = cache.parse(token);
        assertNotSame(first, afterExpiry, "an expired cache entry is never served; the token is verified afresh");
    }

    @Test
    void tokensTheVerifierRefusesAreRefusedEveryTimeAndNeverCached() {
        VerifiedTokenCache cache = cache();
        String forged = token(otherKey, InternalToken.ISSUER, 60);
        String foreignIssuer = token(gatewayKey, "someone-else", 60);
        String expired = token(gatewayKey, InternalToken.ISSUER, -3600);

        for (int attempt = 0; attempt < 2; attempt++) {
            assertThrows(ParseException.class, () -> cache.parse(forged));
            assertThrows(ParseException.class, () -> cache.parse(foreignIssuer));
            assertThrows(ParseException.class, () -> cache.parse(expired));
        }
        assertEquals(0, cache.size());
    }

    @Test
    void aTamperedCopyOfACachedTokenIsStillRefused() throws Exception {
        VerifiedTokenCache cache = cache();
        String token = token(gatewayKey, InternalToken.ISSUER, 60);
        cache.parse(token);

        String[] parts = token.split("\\.");
        String otherClaims = token(gatewayKey, InternalToken.ISSUER, 600).split("\\.")[1];
        String tampered = parts[0] + "." + otherClaims + "." + parts[2];
        assertThrows(ParseException.class, () -> cache.parse(tampered));
    }
}
