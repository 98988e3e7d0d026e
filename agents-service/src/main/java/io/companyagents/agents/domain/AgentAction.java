package io.companyagents.agents.domain;

/** What may be done to an agent's status through the action endpoints. */
public enum AgentAction {
    pause, resume, terminate
}
