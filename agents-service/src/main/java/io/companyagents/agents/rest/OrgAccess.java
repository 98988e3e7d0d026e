package io.companyagents.agents.rest;

import io.companyagents.platform.identity.ActorType;
import io.companyagents.platform.identity.Caller;
import io.companyagents.platform.problem.ApiException;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;

import java.util.UUID;

/**
 * Who may see and who may change a company's org. Another company's objects are not found
 * (404) before any permission is considered.
 */
@RequestScoped
public class OrgAccess {

    @Inject
    Caller caller;

    /** An admin, any board key of the company, or one of its agents. */
    public UUID read(UUID companyId) {
        return caller.requireCompany(companyId);
    }

    /** An admin or a board owner/operator; agent keys and viewers are refused (403). */
    public UUID manage(UUID companyId) {
        caller.requireCompany(companyId);
        if (caller.actorType() == ActorType.agent) {
            throw ApiException.forbidden("an agent key may not change the org");
        }
        caller.requireWrite();
        return companyId;
    }

    /** Working material agents share (memory, notifications, approval requests): agents write too; viewers do not. */
    public UUID contribute(UUID companyId) {
        caller.requireCompany(companyId);
        caller.requireWrite();
        return companyId;
    }

    /** An agent's own record (its journal): the agent itself, or whoever may change the org. */
    public UUID actFor(UUID companyId, UUID agentId) {
        caller.requireCompany(companyId);
        if (caller.actorType() == ActorType.agent) {
            if (!agentId.toString().equals(caller.actorId())) {
                throw ApiException.forbidden("an agent key acts only for its own agent");
            }
            return companyId;
        }
        return manage(companyId);
    }

    /** The calling agent's id, or 403 for anyone who is not an agent. */
    public UUID callingAgent(UUID companyId, String forbiddenDetail) {
        caller.requireCompany(companyId);
        if (caller.actorType() != ActorType.agent) {
            throw ApiException.forbidden(forbiddenDetail);
        }
        return UUID.fromString(caller.actorId());
    }

    /** The calling agent's id, or null when the caller is the board or an admin. */
    public UUID agentOrNull() {
        return caller.actorType() == ActorType.agent ? UUID.fromString(caller.actorId()) : null;
    }

    public String actorType() {
        return caller.actorType().name();
    }

    public String actorId() {
        return caller.actorId();
    }
}
