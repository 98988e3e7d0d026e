package io.companyagents.platform.events;

import java.util.List;

/** Kafka topics, one per owning service; the key of every record is the company id. */
public final class Topics {
    public static final String AGENTS = "ca.agents.v1";
    public static final String TASKS = "ca.tasks.v1";
    public static final String LEDGER = "ca.ledger.v1";
    public static final String AUDIT = "ca.audit.v1";
    public static final String SECRETS = "ca.secrets.v1";
    public static final String GATEWAY = "ca.gateway.v1";
    public static final String DEAD_LETTER = "ca.dlq.v1";

    /** Topics whose events the audit trail records. */
    public static final List<String> DOMAIN = List.of(AGENTS, TASKS, LEDGER, SECRETS, GATEWAY);
    public static final List<String> ALL = List.of(AGENTS, TASKS, LEDGER, AUDIT, SECRETS, GATEWAY, DEAD_LETTER);

    private Topics() {
    }
}
