package io.companyagents.agents.domain;

public enum AgentStatus {
    active, idle, paused, terminated;

    /** Active and idle agents can take work; a budget hard stop pauses exactly these. */
    public boolean isWorking() {
        return this == active || this == idle;
    }
}
