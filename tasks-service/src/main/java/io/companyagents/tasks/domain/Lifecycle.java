package io.companyagents.tasks.domain;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static io.companyagents.tasks.domain.Actor.board;
import static io.companyagents.tasks.domain.Actor.documenter;
import static io.companyagents.tasks.domain.Actor.holder;
import static io.companyagents.tasks.domain.Actor.manager;
import static io.companyagents.tasks.domain.Actor.reviewer;
import static io.companyagents.tasks.domain.Actor.system;
import static io.companyagents.tasks.domain.Actor.worker;
import static io.companyagents.tasks.domain.TaskStatus.*;

/**
 * The task state machine as data: the one place every status change is decided. Served
 * read-only at {@code GET /api/v1/task-lifecycle}.
 */
public final class Lifecycle {

    public static final List<Transition> TABLE;

    static {
        List<Transition> t = new ArrayList<>();
        t.add(row(TaskAction.activate, set(backlog), pending, by(manager)));
        t.add(row(TaskAction.claim, set(pending, needs_revision), claimed, by(worker), "dependencies completed; agent active and not over budget; issues lease + run"));
        t.add(new Transition(TaskAction.claim, set(awaiting_qa, awaiting_pr_review), null, Transition.Target.UNCHANGED, by(reviewer), Set.of(), "review claim: lease + run, status stays"));
        t.add(new Transition(TaskAction.claim, set(awaiting_documentation), null, Transition.Target.UNCHANGED, by(documenter), Set.of(), "documentation claim: lease + run, status stays"));
        t.add(row(TaskAction.start, set(claimed), in_progress, by(holder)));
        t.add(row(TaskAction.release, set(claimed, in_progress), pending, by(holder, manager, system), "lease ended; on expiry attempts += 1"));
        t.add(row(TaskAction.block, set(in_progress, awaiting_qa), blocked, by(holder, manager), "reason required; remembers prior state"));
        t.add(new Transition(TaskAction.unblock, set(blocked), null, Transition.Target.REMEMBERED, by(manager, system), Set.of(), "back to the remembered state"));
        t.add(row(TaskAction.pause, set(in_progress), paused, by(holder, manager, system)));
        t.add(row(TaskAction.resume, set(paused), in_progress, by(holder, manager, system)));
        t.add(policy(TaskAction.submit, set(in_progress), verifying, by(holder), ReviewPolicy.qa, ReviewPolicy.full));
        t.add(row(TaskAction.verify_pass, set(verifying), awaiting_qa, by(system, manager)));
        t.add(row(TaskAction.verify_fail, set(verifying), needs_revision, by(system, manager)));
        t.add(policy(TaskAction.qa_pass, set(awaiting_qa), awaiting_documentation, by(reviewer), ReviewPolicy.full));
        t.add(policy(TaskAction.qa_pass, set(awaiting_qa), awaiting_pm_review, by(reviewer), ReviewPolicy.none, ReviewPolicy.pm, ReviewPolicy.qa));
        t.add(row(TaskAction.qa_fail, set(awaiting_qa), needs_revision, by(reviewer)));
        t.add(row(TaskAction.docs_complete, set(awaiting_documentation), awaiting_pm_review, by(documenter)));
        t.add(row(TaskAction.request_pr_review, set(in_progress), awaiting_pr_review, by(holder, manager), "change request recorded (prNumber or prUrl)"));
        t.add(row(TaskAction.pr_pass, set(awaiting_pr_review), awaiting_pm_review, by(reviewer)));
        t.add(row(TaskAction.pr_fail, set(awaiting_pr_review), needs_revision, by(reviewer)));
        t.add(policy(TaskAction.submit_for_pm, set(in_progress), awaiting_pm_review, by(holder), ReviewPolicy.pm));
        t.add(policy(TaskAction.complete, set(in_progress), completed, by(holder), ReviewPolicy.none));
        t.add(row(TaskAction.approve, set(awaiting_pm_review), completed, by(manager), "all children terminal"));
        t.add(row(TaskAction.reject, set(awaiting_pm_review), needs_revision, by(manager)));
        t.add(row(TaskAction.escalate, set(awaiting_pm_review, blocked), awaiting_ceo_approval, by(manager)));
        t.add(row(TaskAction.ceo_approve, set(awaiting_ceo_approval), completed, by(board), "all children terminal"));
        t.add(row(TaskAction.ceo_reject, set(awaiting_ceo_approval), needs_revision, by(board)));
        Set<TaskStatus> live = EnumSet.allOf(TaskStatus.class);
        live.removeIf(TaskStatus::terminal);
        t.add(row(TaskAction.cancel, live, cancelled, by(manager, board), "cascades to descendants; ends live leases"));
        TABLE = Collections.unmodifiableList(t);
    }

    private Lifecycle() {
    }

    /** The transition the actor may take, or empty when the action is not allowed for them from this state. */
    public static Optional<Transition> find(TaskStatus status, TaskAction action, ReviewPolicy policy, Set<Actor> actors) {
        return TABLE.stream()
                .filter(tr -> tr.action() == action && tr.appliesTo(status, policy))
                .filter(tr -> !Collections.disjoint(tr.by(), actors))
                .findFirst();
    }

    /** The actions these actors may take from this state (what a 409 lists). */
    public static List<TaskAction> allowed(TaskStatus status, ReviewPolicy policy, Set<Actor> actors) {
        Set<TaskAction> out = new LinkedHashSet<>();
        for (Transition tr : TABLE) {
            if (tr.appliesTo(status, policy) && !Collections.disjoint(tr.by(), actors)) {
                out.add(tr.action());
            }
        }
        return List.copyOf(out);
    }

    /** Whether the action exists from this state for anybody (to tell "not yours" from "not now"). */
    public static boolean existsFrom(TaskStatus status, TaskAction action, ReviewPolicy policy) {
        return TABLE.stream().anyMatch(tr -> tr.action() == action && tr.appliesTo(status, policy));
    }

    private static Transition row(TaskAction a, Set<TaskStatus> from, TaskStatus to, Set<Actor> by) {
        return new Transition(a, from, to, Transition.Target.FIXED, by, Set.of(), null);
    }

    private static Transition row(TaskAction a, Set<TaskStatus> from, TaskStatus to, Set<Actor> by, String guard) {
        return new Transition(a, from, to, Transition.Target.FIXED, by, Set.of(), guard);
    }

    private static Transition policy(TaskAction a, Set<TaskStatus> from, TaskStatus to, Set<Actor> by, ReviewPolicy... policies) {
        return new Transition(a, from, to, Transition.Target.FIXED, by, EnumSet.copyOf(List.of(policies)), null);
    }

    private static Set<TaskStatus> set(TaskStatus... s) {
        return Collections.unmodifiableSet(EnumSet.copyOf(List.of(s)));
    }

    private static Set<Actor> by(Actor... a) {
        return Collections.unmodifiableSet(EnumSet.copyOf(List.of(a)));
    }
}
