package io.companyagents.tasks.service;

import io.companyagents.platform.identity.ActorType;
import io.companyagents.platform.identity.Caller;
import io.companyagents.tasks.domain.Actor;
import io.companyagents.tasks.domain.AgentState;
import io.companyagents.tasks.domain.Task;

import java.util.EnumSet;
import java.util.Set;
import java.util.UUID;

/** Which parts a caller plays towards one task (LIFECYCLE.md's actors). */
public final class Actors {

    private Actors() {
    }

    /**
     * @param agent      the calling agent's state, or null when the caller is not an agent
     * @param leaseEpoch the fencing token the caller presented, if any
     */
    public static Set<Actor> of(ActorType type, String role, UUID agentId, AgentState agent, Task task, Long leaseEpoch) {
        Set<Actor> actors = EnumSet.noneOf(Actor.class);
        switch (type) {
            case admin -> {
                actors.add(Actor.manager);
                actors.add(Actor.board);
            }
            case board -> {
                if (!"viewer".equals(role)) {
                    actors.add(Actor.manager);
                    actors.add(Actor.board);
                }
            }
            case system -> actors.add(Actor.system);
            case agent -> {
                actors.add(Actor.worker);
                if (leaseEpoch != null && task.heldBy(agentId) && task.leaseEpoch() == leaseEpoch) {
                    actors.add(Actor.holder);
                }
                boolean didTheWork = agentId.equals(task.workerAgentId());
                if (agent != null && agent.reviews() && !didTheWork) {
                    actors.add(Actor.reviewer);
                }
                if (agent != null && agent.documents()) {
                    actors.add(Actor.documenter);
                }
                if (agent != null && agent.manages()) {
                    actors.add(Actor.manager);
                }
                if (agent != null && agent.isCeo()) {
                    actors.add(Actor.board);
                }
            }
            default -> {
            }
        }
        return actors;
    }

    public static Set<Actor> of(Caller caller, AgentState agent, Task task, Long leaseEpoch) {
        UUID agentId = caller.actorType() == ActorType.agent ? UUID.fromString(caller.actorId()) : null;
        return of(caller.actorType(), caller.role(), agentId, agent, task, leaseEpoch);
    }
}
