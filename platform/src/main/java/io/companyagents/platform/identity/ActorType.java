package io.companyagents.platform.identity;

/** Who is calling, as established by the gateway from an API key. */
public enum ActorType {
    admin, board, agent, system
}
