package io.companyagents.agents.domain;

import java.util.List;

/**
 * An agent's role is free text; these are the roles the rest of the system knows by name
 * (task review and management rules refer to them).
 */
public final class AgentRoles {

    public static final String CEO = "ceo";
    public static final String MANAGER = "manager";
    public static final String ENGINEER = "engineer";
    public static final String QA = "qa";
    public static final String REVIEWER = "reviewer";
    public static final String DOCUMENTER = "documenter";

    public static final List<String> KNOWN = List.of(CEO, "cto", MANAGER, ENGINEER, QA, REVIEWER, DOCUMENTER,
            "designer", "researcher");

    private AgentRoles() {
    }
}
