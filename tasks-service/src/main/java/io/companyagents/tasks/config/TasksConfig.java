package io.companyagents.tasks.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

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
}
