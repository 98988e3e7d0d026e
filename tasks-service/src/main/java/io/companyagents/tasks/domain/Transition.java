package io.companyagents.tasks.domain;

import java.util.Set;

/**
 * One row of the transition table.
 *
 * @param to       the target; null for the special targets ({@link Target})
 * @param target   how the target is found
 * @param policies the review policies under which this row applies (all when empty)
 */
public record Transition(TaskAction action, Set<TaskStatus> from, TaskStatus to, Target target, Set<Actor> by,
                         Set<ReviewPolicy> policies, String guard) {

    /** How a transition's target state is found. */
    public enum Target {
        /** {@link Transition#to()}. */
        FIXED,
        /** The state stays (a review claim). */
        UNCHANGED,
        /** The state the task was in before it was blocked (pending if it was never claimed). */
        REMEMBERED
    }

    public boolean appliesTo(TaskStatus status, ReviewPolicy policy) {
        return from.contains(status) && (policies.isEmpty() || policies.contains(policy));
    }

    public TaskStatus targetFrom(TaskStatus current, TaskStatus remembered) {
        return switch (target) {
            case FIXED -> to;
            case UNCHANGED -> current;
            case REMEMBERED -> remembered == null ? TaskStatus.pending : remembered;
        };
    }
}
