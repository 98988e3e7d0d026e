package io.companyagents.agents.client;

import io.smallrye.faulttolerance.api.AsynchronousNonBlocking;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.rest.client.inject.RestClient;

import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * The git token store backed by secrets-service. Every call is bounded (timeout), retried a
 * little (the calls are idempotent) and guarded by a circuit breaker so an outage fails fast.
 * A refusal (4xx) is neither retried nor counted against the breaker, and a 404 on read or
 * delete means "no token", recovered inside the breaker.
 */
@ApplicationScoped
public class SecretsServiceGitTokenStore implements GitTokenStore {

    @Inject
    @RestClient
    SecretsServiceClient client;

    @Override
    @AsynchronousNonBlocking
    @Timeout(value = 2500, unit = ChronoUnit.MILLIS)
    @Retry(maxRetries = 2, delay = 150, jitter = 50, abortOn = SecretStoreRefusedException.class)
    @CircuitBreaker(requestVolumeThreshold = 20, failureRatio = 0.5, delay = 5000,
            skipOn = SecretStoreRefusedException.class)
    public Uni<Void> put(String callerToken, UUID companyId, UUID projectId, String token) {
        return client.put(bearer(callerToken), companyId, projectId, new SecretsServiceClient.TokenValue(token));
    }

    @Override
    @AsynchronousNonBlocking
    @Timeout(value = 2500, unit = ChronoUnit.MILLIS)
    @Retry(maxRetries = 2, delay = 150, jitter = 50, abortOn = SecretStoreRefusedException.class)
    @CircuitBreaker(requestVolumeThreshold = 20, failureRatio = 0.5, delay = 5000,
            skipOn = SecretStoreRefusedException.class)
    public Uni<Boolean> present(String callerToken, UUID companyId, UUID projectId) {
        return client.get(bearer(callerToken), companyId, projectId)
                .map(SecretsServiceClient.TokenPresence::present)
                .onFailure(SecretStoreRefusedException.class).recoverWithUni(e -> notFound(e)
                        ? Uni.createFrom().item(false) : Uni.createFrom().failure(e));
    }

    @Override
    @AsynchronousNonBlocking
    @Timeout(value = 2500, unit = ChronoUnit.MILLIS)
    @Retry(maxRetries = 2, delay = 150, jitter = 50, abortOn = SecretStoreRefusedException.class)
    @CircuitBreaker(requestVolumeThreshold = 20, failureRatio = 0.5, delay = 5000,
            skipOn = SecretStoreRefusedException.class)
    public Uni<Void> remove(String callerToken, UUID companyId, UUID projectId) {
        return client.delete(bearer(callerToken), companyId, projectId)
                .onFailure(SecretStoreRefusedException.class).recoverWithUni(e -> notFound(e)
                        ? Uni.createFrom().voidItem() : Uni.createFrom().failure(e));
    }

    private static boolean notFound(Throwable e) {
        return ((SecretStoreRefusedException) e).status() == 404;
    }

    private static String bearer(String callerToken) {
        return "Bearer " + callerToken;
    }
}
