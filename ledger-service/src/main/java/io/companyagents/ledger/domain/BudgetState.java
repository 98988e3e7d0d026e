package io.companyagents.ledger.domain;

import java.math.BigInteger;

/** Where a budget's spend stands in its current window. */
public enum BudgetState {
    ok, warning, exceeded;

    private static final BigInteger HUNDRED = BigInteger.valueOf(100);

    /**
     * Exceeded once the spend reaches the limit (nothing is left to spend); warning from
     * {@code warnPercent} of the limit. Compared in integers: {@code spent × 100 ≥ limit × warnPercent}.
     */
    public static BudgetState of(long spentMicros, long limitMicros, int warnPercent) {
        if (spentMicros >= limitMicros) {
            return exceeded;
        }
        if (BigInteger.valueOf(spentMicros).multiply(HUNDRED)
                .compareTo(BigInteger.valueOf(limitMicros).multiply(BigInteger.valueOf(warnPercent))) >= 0) {
            return warning;
        }
        return ok;
    }
}
