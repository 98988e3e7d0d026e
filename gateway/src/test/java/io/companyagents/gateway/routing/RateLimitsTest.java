package io.companyagents.gateway.routing;

import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The limiter itself, under demand far above the limit: it admits the configured rate within ±10 %. */
class RateLimitsTest {

    @Test
    void aKeyIsAdmittedAtItsConfiguredRate() throws Exception {
        RateLimits limits = new RateLimits();
        limits.perSecond = 50;
        limits.burst = 50;
        limits.enabled = true;
        UUID key = UUID.randomUUID();
        UUID other = UUID.randomUUID();
        long start = System.nanoTime();
        int admitted = 0;
        int otherAdmitted = 0;
        while (System.nanoTime() - start < 3_000_000_000L) {
            if (limits.tryAcquire(key) == 0) {
                admitted++;
            }
            if (limits.tryAcquire(other) == 0) {
                otherAdmitted++;
            }
            Thread.sleep(0, 200_000);
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        double expected = 50 + 50 * elapsed;
        assertTrue(Math.abs(admitted - expected) <= expected * 0.10, "admitted " + admitted + ", expected " + expected + " ±10 %");
        assertTrue(Math.abs(otherAdmitted - expected) <= expected * 0.10, "each key has its own bucket");
        for (int i = 0; i < 100; i++) {
            limits.tryAcquire(key);
        }
        assertTrue(limits.tryAcquire(key) >= 1, "a refusal says when to retry");
    }
}
