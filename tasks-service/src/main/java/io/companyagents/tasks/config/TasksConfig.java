package io.companyagents.tasks.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

import java.time.Duration;

@ConfigMapping(prefix = "company-agents.tasks")
public interface TasksConfig {

    /** Lease length when a claim does not say. */
    @WithDefault("300")
    int defaultLeaseSeconds();

    /** How often the reaper looks for expired leases. */
    @WithDefault("PT1S")
    Duration reaperInterval();

    /** How many expired leases one reaper transaction ends. */
    @WithDefault("200")
    int reaperBatchSize();

    /**
     * Commit claims without waiting for the WAL flush. Safe because a lease is re-derivable:
     * a claim lost in a crash is never heartbeated and the agent sees lease_lost. Never used
     * for finishing work, costs, audit or secrets.
     */
    @WithDefault("true")
    boolean relaxedClaimCommit();

    /**
     * Most claims one batch serves: claims with the same company and filters that arrive while one
     * is in flight go together, in one transaction, when it ends. 1 claims one at a time.
     */
    @WithDefault("32")
    @WithName("claim-batch-size")
    int claimBatchSize();

    /**
     * Most holders' starts one statement serves: starts for the same company that arrive while one
     * batch is in flight go together when it ends. 1 starts one at a time.
     */
    @WithDefault("32")
    @WithName("start-batch-size")
    int startBatchSize();

    /**
     * Most holders' successful finishes one statement serves, as with starts. 1 finishes one at a time.
     */
    @WithDefault("32")
    @WithName("finish-batch-size")
    int finishBatchSize();
}
