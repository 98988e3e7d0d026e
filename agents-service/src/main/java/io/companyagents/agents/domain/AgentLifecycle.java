package io.companyagents.agents.domain;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The agent status table. Pausing a paused agent is allowed (it restates why); terminated is
 * final. Active and idle are interchangeable by an update; everything else goes through an
 * action, except leaving {@code pending_approval}, which only the hiring decision does (or a
 * terminate, which withdraws the hire).
 */
public final class AgentLifecycle {

    /** Why an agent was paused by budget enforcement; the only pauses a budget recovery undoes. */
    public static final String BUDGET_PAUSE = "budget";
    /** The reason recorded when a pause gives none. */
    public static final String MANUAL_PAUSE = "manual";

    private static final Map<AgentStatus, Map<AgentAction, AgentStatus>> TABLE = new EnumMap<>(AgentStatus.class);

    static {
        for (AgentStatus working : List.of(AgentStatus.active, AgentStatus.idle)) {
            TABLE.put(working, Map.of(
                    AgentAction.pause, AgentStatus.paused,
                    AgentAction.terminate, AgentStatus.terminated));
        }
        TABLE.put(AgentStatus.paused, Map.of(
                AgentAction.pause, AgentStatus.paused,
                AgentAction.resume, AgentStatus.active,
                AgentAction.terminate, AgentStatus.terminated));
        TABLE.put(AgentStatus.pending_approval, Map.of(AgentAction.terminate, AgentStatus.terminated));
        TABLE.put(AgentStatus.terminated, Map.of());
    }

    private AgentLifecycle() {
    }

    /** The status the action leads to, or empty when the action is not allowed from {@code from}. */
    public static Optional<AgentStatus> next(AgentStatus from, AgentAction action) {
        return Optional.ofNullable(TABLE.get(from).get(action));
    }

    /** The actions allowed from a status, in declaration order. */
    public static List<AgentAction> allowed(AgentStatus from) {
        return java.util.Arrays.stream(AgentAction.values()).filter(TABLE.get(from)::containsKey).toList();
    }

    /**
     * What the board's decision on a hire makes of an agent waiting for it: approved, active;
     * rejected, terminated. Empty when the agent is no longer waiting (it was terminated first).
     */
    public static Optional<AgentStatus> hired(AgentStatus from, boolean approved) {
        if (from != AgentStatus.pending_approval) {
            return Optional.empty();
        }
        return Optional.of(approved ? AgentStatus.active : AgentStatus.terminated);
    }

    /** Whether an update may set the status directly (only between active and idle). */
    public static boolean settable(AgentStatus from, AgentStatus to) {
        return from == to || (from.isWorking() && to.isWorking());
    }
}
