package io.companyagents.platform.testing;

import io.companyagents.platform.identity.InternalToken;
import io.smallrye.jwt.build.Jwt;

import java.util.List;
import java.util.UUID;

/** Internal tokens as the gateway mints them, for black-box tests of a service on its own. */
public final class TestTokens {

    private TestTokens() {
    }

    public static String admin() {
        return Jwt.issuer(InternalToken.ISSUER).subject(UUID.randomUUID().toString())
                .claim(InternalToken.ACTOR_TYPE, "admin").claim(InternalToken.ROLE, "admin")
                .claim(InternalToken.SCOPES, List.of("*"))
                .expiresIn(300).sign();
    }

    public static String board(UUID companyId, String role) {
        return Jwt.issuer(InternalToken.ISSUER).subject(UUID.randomUUID().toString())
                .claim(InternalToken.ACTOR_TYPE, "board").claim(InternalToken.ROLE, role)
                .claim(InternalToken.COMPANY_ID, companyId.toString())
                .claim(InternalToken.SCOPES, List.of())
                .expiresIn(300).sign();
    }

    public static String agent(UUID companyId, UUID agentId) {
        return Jwt.issuer(InternalToken.ISSUER).subject(agentId.toString())
                .claim(InternalToken.ACTOR_TYPE, "agent").claim(InternalToken.ROLE, "agent")
                .claim(InternalToken.COMPANY_ID, companyId.toString())
                .claim(InternalToken.SCOPES, List.of())
                .expiresIn(300).sign();
    }
}
