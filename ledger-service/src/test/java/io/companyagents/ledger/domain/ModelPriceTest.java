package io.companyagents.ledger.domain;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Cost arithmetic: integer micro-dollars, rounded half up once on the sum. */
class ModelPriceTest {

    private final ModelPrice sonnet = new ModelPrice("anthropic", "claude-sonnet-4", 3_000_000, 15_000_000, 300_000);

    @Test
    void aCallCostsItsTokensAtTheirPricesPerMillion() {
        // 1,000 in × $3/M + 200 out × $15/M = 3,000 + 3,000 micro-dollars
        assertEquals(6_000, sonnet.costMicros(1_000, 200, 0));
        assertEquals(3_000_000 + 15_000_000 + 300_000, sonnet.costMicros(1_000_000, 1_000_000, 1_000_000));
    }

    @Test
    void roundingIsHalfUpOnTheSumNotPerTokenKind() {
        // 5 cached × 0.3 µ$ = 1.5 → 2
        assertEquals(2, sonnet.costMicros(0, 0, 5));
        // 0.4 + 0.4: each rounded alone would be 0 + 0; the sum 0.8 rounds to 1
        ModelPrice fractional = new ModelPrice("p", "m", 400_000, 400_000, 0);
        assertEquals(1, fractional.costMicros(1, 1, 0));
        // exactly half rounds up, just under half rounds down
        assertEquals(1, new ModelPrice("p", "m", 500_000, 0, 0).costMicros(1, 0, 0));
        assertEquals(0, new ModelPrice("p", "m", 499_999, 0, 0).costMicros(1, 0, 0));
    }

    @Test
    void hugeTokenCountsDoNotOverflowBeforeDividing() {
        ModelPrice opus = new ModelPrice("anthropic", "claude-opus-4", 15_000_000, 75_000_000, 1_500_000);
        // 10^12 tokens × 7.5·10^7 overflows a long before the division; the result itself fits
        assertEquals(75_000_000_000_000L, opus.costMicros(0, 1_000_000_000_000L, 0));
    }

    @Test
    void negativeTokensAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> sonnet.costMicros(-1, 0, 0));
    }
}
