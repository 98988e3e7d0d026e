package io.companyagents.ledger.domain;

import java.math.BigInteger;

/**
 * A model's prices in micro-dollars per million tokens, and the cost of a call at them.
 * <p>
 * Rounding: the exact cost {@code (input × inputPrice + output × outputPrice + cached × cachedPrice) / 1,000,000}
 * is computed in integers and rounded once, half up, on the final sum (never per token
 * kind), so one call is never off by more than half a micro-dollar.
 */
public record ModelPrice(String provider, String model, long inputMicrosPerMillion, long outputMicrosPerMillion,
                         long cachedInputMicrosPerMillion) {

    private static final BigInteger MILLION = BigInteger.valueOf(1_000_000);

    public ModelPrice {
        if (inputMicrosPerMillion < 0 || outputMicrosPerMillion < 0 || cachedInputMicrosPerMillion < 0) {
            throw new IllegalArgumentException("prices are never negative");
        }
    }

    /** The cost of a call in micro-dollars; token counts are non-negative. */
    public long costMicros(long inputTokens, long outputTokens, long cachedInputTokens) {
        if (inputTokens < 0 || outputTokens < 0 || cachedInputTokens < 0) {
            throw new IllegalArgumentException("token counts are never negative");
        }
        BigInteger perMillion = BigInteger.valueOf(inputTokens).multiply(BigInteger.valueOf(inputMicrosPerMillion))
                .add(BigInteger.valueOf(outputTokens).multiply(BigInteger.valueOf(outputMicrosPerMillion)))
                .add(BigInteger.valueOf(cachedInputTokens).multiply(BigInteger.valueOf(cachedInputMicrosPerMillion)));
        BigInteger[] qr = perMillion.divideAndRemainder(MILLION);
        BigInteger rounded = qr[1].shiftLeft(1).compareTo(MILLION) >= 0 ? qr[0].add(BigInteger.ONE) : qr[0];
        return rounded.longValueExact();
    }
}
