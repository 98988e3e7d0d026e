package io.companyagents.secrets.service;

import io.companyagents.platform.identity.ActorType;
import io.companyagents.platform.identity.Caller;
import io.companyagents.platform.problem.ApiException;
import io.companyagents.secrets.domain.Actor;
import io.companyagents.secrets.domain.SecretAccess;

import java.util.UUID;

/** {@link SecretAccess} applied to the caller of this request: a refusal is a 403 problem. */
public final class Access {

    private Access() {
    }

    /** Company first (another company's secret is "not found"), then read access: anyone of the company. */
    public static void requireRead(Caller caller, UUID companyId) {
        caller.requireCompany(companyId);
    }

    public static void requireManage(Caller caller, UUID companyId) {
        caller.requireCompany(companyId);
        caller.requireWrite();
        if (!SecretAccess.mayManage(caller.actorType(), caller.role())) {
            throw ApiException.forbidden(caller.actorType() == ActorType.agent
                    ? "an agent key cannot manage secrets"
                    : "only an admin or a board owner or operator may manage secrets");
        }
    }

    public static void requireDestroy(Caller caller, UUID companyId) {
        caller.requireCompany(companyId);
        caller.requireWrite();
        if (!SecretAccess.mayDestroy(caller.actorType(), caller.role())) {
            throw ApiException.forbidden("only an admin or a board owner may destroy a secret");
        }
    }

    public static Actor actor(Caller caller) {
        return new Actor(caller.actorType().name(), caller.actorId());
    }
}
