package io.companyagents.ledger.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

@ConfigMapping(prefix = "company-agents.ledger")
public interface LedgerConfig {

    /** How often the window roller looks for monthly budgets whose month has ended. */
    @WithDefault("PT30S")
    Duration windowRollInterval();

    /** How many budgets one roller transaction moves to their new window. */
    @WithDefault("100")
    int windowRollBatchSize();

    /** How far in the future a cost entry's occurredAt may lie (clock skew between hosts). */
    @WithDefault("PT5M")
    Duration futureSkew();
}
