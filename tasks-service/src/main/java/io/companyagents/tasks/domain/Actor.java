package io.companyagents.tasks.domain;

/**
 * The parts a caller can play towards one task. A caller usually plays several at once (an
 * agent holding the lease is also a worker); a transition is allowed if any of them may.
 */
public enum Actor {
    /** The agent holding the task's live lease, presenting its fencing token. */
    holder,
    /** Any agent. */
    worker,
    /** An agent whose role reviews (qa, reviewer), never the agent that did the work. */
    reviewer,
    documenter,
    /** An agent with a manager role, or a board key. */
    manager,
    /** A board key or the CEO agent. */
    board,
    /** The reaper, budget enforcement, dependency resolution. */
    system
}
