package io.companyagents.tasks.domain;

/** The lifecycle actions (LIFECYCLE.md), named as the API takes them. */
public enum TaskAction {
    activate, claim, start, release, block, unblock, pause, resume, submit, verify_pass, verify_fail, qa_pass, qa_fail,
    docs_complete, request_pr_review, pr_pass, pr_fail, submit_for_pm, complete, approve, reject, escalate,
    ceo_approve, ceo_reject, cancel
}
