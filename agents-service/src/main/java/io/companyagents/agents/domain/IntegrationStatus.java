package io.companyagents.agents.domain;

/** Whether syncs run: active, paused by the board, or stopped by an error the syncer reported. */
public enum IntegrationStatus {
    active, paused, error
}
