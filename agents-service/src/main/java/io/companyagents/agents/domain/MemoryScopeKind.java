package io.companyagents.agents.domain;

/** What a memory scope belongs to; its owner id names one of these (none for the company). */
public enum MemoryScopeKind {
    company, team, agent, project, task
}
