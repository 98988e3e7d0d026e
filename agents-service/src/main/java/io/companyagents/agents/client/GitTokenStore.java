package io.companyagents.agents.client;

import io.smallrye.mutiny.Uni;

import java.util.UUID;

/**
 * Where a project's git token is kept: never in agents-service's own tables. Each call acts
 * with the caller's credential (the internal token of the request), so the store applies its
 * own permissions.
 * <p>
 * Failures: {@link SecretStoreRefusedException} when the store said no (a 4xx),
 * anything else means the store could not be reached or answer.
 */
public interface GitTokenStore {

    /** Stores or replaces the token. */
    Uni<Void> put(String callerToken, UUID companyId, UUID projectId, String token);

    /** Whether a token is stored. */
    Uni<Boolean> present(String callerToken, UUID companyId, UUID projectId);

    /** Removes the token; removing one that is not there is not an error. */
    Uni<Void> remove(String callerToken, UUID companyId, UUID projectId);
}
