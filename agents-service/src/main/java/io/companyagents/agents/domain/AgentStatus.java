package io.companyagents.agents.domain;

public enum AgentStatus {
    /** Created in a company that requires the board's approval to hire; cannot work until approved. */
    pending_approval, active, idle, paused, terminated;

    /** Active and idle agents can take work; a budget hard stop pauses exactly these. */
    public boolean isWorking() {
        return this == active || this == idle;
    }
}
