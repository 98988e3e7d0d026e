package io.companyagents.tasks.domain;

import java.util.EnumSet;
import java.util.Set;

/** The fifteen states of a task (LIFECYCLE.md). */
public enum TaskStatus {
    backlog, pending, claimed, in_progress, blocked, paused, verifying, needs_revision, awaiting_qa,
    awaiting_documentation, awaiting_pr_review, awaiting_pm_review, awaiting_ceo_approval, completed, cancelled;

    public static final Set<TaskStatus> CLAIMABLE = EnumSet.of(pending, needs_revision);
    public static final Set<TaskStatus> REVIEW_CLAIMABLE = EnumSet.of(awaiting_qa, awaiting_documentation, awaiting_pr_review);
    /** States in which a work lease is live and the reaper watches its expiry. */
    public static final Set<TaskStatus> WORK_LEASED = EnumSet.of(claimed, in_progress);

    public boolean terminal() {
        return this == completed || this == cancelled;
    }
}
