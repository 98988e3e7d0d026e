package io.companyagents.gateway.routing;

/** The owner of a route: one of the services, or the gateway itself. */
public enum Backend {
    GATEWAY, AGENTS, TASKS, LEDGER, AUDIT, SECRETS
}
