package io.companyagents.agents.domain;

public enum ApprovalKind {
    hire_agent, budget_override, strategy, generic
}
