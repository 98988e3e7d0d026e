package io.companyagents.secrets.domain;

import io.companyagents.platform.identity.ActorType;

/**
 * Who may do what with a company's secrets (the caller's company is checked before this):
 * anyone of the company reads metadata; an admin or a board owner or operator manages secrets
 * and grants; only an admin or a board owner destroys; only a board owner, or an agent holding
 * a grant, reveals a value. Viewers never write.
 */
public final class SecretAccess {

    private SecretAccess() {
    }

    public static boolean mayManage(ActorType actor, String role) {
        return actor == ActorType.admin
                || actor == ActorType.board && ("owner".equals(role) || "operator".equals(role));
    }

    public static boolean mayDestroy(ActorType actor, String role) {
        return actor == ActorType.admin || actor == ActorType.board && "owner".equals(role);
    }

    /** Whether this caller may reveal, given whether it (an agent) holds a grant on the secret. */
    public static boolean mayReveal(ActorType actor, String role, boolean holdsGrant) {
        return actor == ActorType.board && "owner".equals(role) || actor == ActorType.agent && holdsGrant;
    }
}
