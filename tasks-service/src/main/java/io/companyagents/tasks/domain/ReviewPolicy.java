package io.companyagents.tasks.domain;

/** How much review a task needs before it completes. */
public enum ReviewPolicy {
    none, pm, qa, full
}
