package io.companyagents.gateway.routing;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-key token buckets (Bucket4j, in memory: each gateway replica limits on its own, so the
 * effective limit scales with the replica count — documented). A refused request learns when
 * to retry.
 */
@ApplicationScoped
public class RateLimits {

    /** Requests per second a key may sustain. */
    @ConfigProperty(name = "company-agents.gateway.rate-limit.per-second", defaultValue = "1000")
    long perSecond;

    /** Requests a key may burst above the sustained rate. */
    @ConfigProperty(name = "company-agents.gateway.rate-limit.burst", defaultValue = "1000")
    long burst;

    @ConfigProperty(name = "company-agents.gateway.rate-limit.enabled", defaultValue = "true")
    boolean enabled;

    private final Map<UUID, Bucket> buckets = new ConcurrentHashMap<>();

    /** Answers 0 when admitted, else the seconds to wait before retrying. */
    public long tryAcquire(UUID keyId) {
        if (!enabled) {
            return 0;
        }
        Bucket bucket = buckets.computeIfAbsent(keyId, k -> Bucket.builder()
                .addLimit(Bandwidth.builder().capacity(burst).refillGreedy(perSecond, Duration.ofSeconds(1)).build())
                .build());
        ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
        if (probe.isConsumed()) {
            return 0;
        }
        return Math.max(1, (probe.getNanosToWaitForRefill() + 999_999_999L) / 1_000_000_000L);
    }
}
