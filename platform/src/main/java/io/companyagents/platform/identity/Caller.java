package io.companyagents.platform.identity;

import io.companyagents.platform.problem.ApiException;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.util.Collection;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The caller of this request, read from the gateway's internal token. Every query is scoped
 * by {@link #requireCompany(UUID)}: an object of another company is simply not found.
 */
@RequestScoped
public class Caller {

    @Inject
    JsonWebToken jwt;

    @Inject
    VerifiedTokenCache tokens;

    /** The claims this request uses: read once per token (a claim read converts it anew each time). */
    private CallerClaims claims;

    private CallerClaims claims() {
        if (claims == null) {
            claims = tokens.claimsOf(jwt);
        }
        return claims;
    }

    public ActorType actorType() {
        ActorType type = claims().actorType();
        if (type == null) {
            throw new ApiException(401, "unauthorized", "Unauthorized", "a valid credential is required");
        }
        return type;
    }

    public String actorId() {
        return claims().actorId();
    }

    public Optional<UUID> companyId() {
        return claims().companyId();
    }

    public String role() {
        return claims().role();
    }

    public Set<String> scopes() {
        Object scopes = jwt.getClaim(InternalToken.SCOPES);
        if (scopes instanceof Collection<?> c) {
            return c.stream().map(o -> o.toString().replace("\"", "")).collect(Collectors.toSet());
        }
        return Set.of();
    }

    public boolean isAdmin() {
        return actorType() == ActorType.admin;
    }

    public void requireAdmin() {
        if (!isAdmin()) {
            throw ApiException.forbidden("only an admin key may do this");
        }
    }

    /** Admin sees every company; anyone else only their own, and another company is "not found". */
    public UUID requireCompany(UUID companyId) {
        if (isAdmin()) {
            return companyId;
        }
        if (companyId == null || companyId().filter(companyId::equals).isEmpty()) {
            throw ApiException.notFound("company " + companyId);
        }
        return companyId;
    }

    /** Viewers are read-only. */
    public void requireWrite() {
        if (actorType() == ActorType.board && "viewer".equals(role())) {
            throw ApiException.forbidden("a viewer key is read-only");
        }
    }

}
