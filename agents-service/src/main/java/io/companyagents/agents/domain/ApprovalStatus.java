package io.companyagents.agents.domain;

/** Pending until the board decides; a decision is final. */
public enum ApprovalStatus {
    pending, approved, rejected
}
