package io.companyagents.tasks.domain;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every (state, action, actor, policy) combination against LIFECYCLE.md, written out here a
 * second time in a different shape: "state action actor [policies] -> target". A combination
 * not listed must be refused.
 */
class LifecycleTest {

    private static final String SPEC = """
            backlog activate manager -> pending
            pending claim worker -> claimed
            needs_revision claim worker -> claimed
            awaiting_qa claim reviewer -> awaiting_qa
            awaiting_pr_review claim reviewer -> awaiting_pr_review
            awaiting_documentation claim documenter -> awaiting_documentation
            claimed start holder -> in_progress
            claimed release holder,manager,system -> pending
            in_progress release holder,manager,system -> pending
            in_progress block holder,manager -> blocked
            awaiting_qa block holder,manager -> blocked
            blocked unblock manager,system -> REMEMBERED
            in_progress pause holder,manager,system -> paused
            paused resume holder,manager,system -> in_progress
            in_progress submit holder [qa,full] -> verifying
            verifying verify_pass system,manager -> awaiting_qa
            verifying verify_fail system,manager -> needs_revision
            awaiting_qa qa_pass reviewer [full] -> awaiting_documentation
            awaiting_qa qa_pass reviewer [none,pm,qa] -> awaiting_pm_review
            awaiting_qa qa_fail reviewer -> needs_revision
            awaiting_documentation docs_complete documenter -> awaiting_pm_review
            in_progress request_pr_review holder,manager -> awaiting_pr_review
            awaiting_pr_review pr_pass reviewer -> awaiting_pm_review
            awaiting_pr_review pr_fail reviewer -> needs_revision
            in_progress submit_for_pm holder [pm] -> awaiting_pm_review
            in_progress complete holder [none] -> completed
            awaiting_pm_review approve manager -> completed
            awaiting_pm_review reject manager -> needs_revision
            awaiting_pm_review escalate manager -> awaiting_ceo_approval
            blocked escalate manager -> awaiting_ceo_approval
            awaiting_ceo_approval ceo_approve board -> completed
            awaiting_ceo_approval ceo_reject board -> needs_revision
            """;

    private record Key(TaskStatus status, TaskAction action, Actor actor, ReviewPolicy policy) {
    }

    private static Map<Key, String> expected() {
        Map<Key, String> map = new HashMap<>();
        for (String line : SPEC.strip().split("\n")) {
            String[] parts = line.trim().split("\\s+");
            TaskStatus status = TaskStatus.valueOf(parts[0]);
            TaskAction action = TaskAction.valueOf(parts[1]);
            Set<ReviewPolicy> policies = EnumSet.allOf(ReviewPolicy.class);
            int arrow = 3;
            if (parts[3].startsWith("[")) {
                policies = EnumSet.noneOf(ReviewPolicy.class);
                for (String p : parts[3].substring(1, parts[3].length() - 1).split(",")) {
                    policies.add(ReviewPolicy.valueOf(p));
                }
                arrow = 4;
            }
            String target = parts[arrow + 1];
            for (String actor : parts[2].split(",")) {
                for (ReviewPolicy p : policies) {
                    map.put(new Key(status, action, Actor.valueOf(actor), p), target);
                }
            }
        }
        // cancel: any non-terminal state, by manager or board
        for (TaskStatus s : TaskStatus.values()) {
            if (!s.terminal()) {
                for (ReviewPolicy p : ReviewPolicy.values()) {
                    map.put(new Key(s, TaskAction.cancel, Actor.manager, p), "cancelled");
                    map.put(new Key(s, TaskAction.cancel, Actor.board, p), "cancelled");
                }
            }
        }
        return map;
    }

    @Test
    void everyStateActionActorAndPolicyCombinationMatchesTheSpec() {
        Map<Key, String> expected = expected();
        List<String> mismatches = new ArrayList<>();
        int checked = 0;
        for (TaskStatus s : TaskStatus.values()) {
            for (TaskAction a : TaskAction.values()) {
                for (Actor actor : Actor.values()) {
                    for (ReviewPolicy p : ReviewPolicy.values()) {
                        checked++;
                        Optional<Transition> t = Lifecycle.find(s, a, p, EnumSet.of(actor));
                        String want = expected.get(new Key(s, a, actor, p));
                        String got = t.map(tr -> tr.target() == Transition.Target.REMEMBERED ? "REMEMBERED"
                                : tr.targetFrom(s, null).name()).orElse(null);
                        if (want == null ? got != null : !want.equals(got)) {
                            mismatches.add(s + " " + a + " " + actor + " " + p + ": want " + want + ", got " + got);
                        }
                    }
                }
            }
        }
        assertEquals(15 * 25 * 7 * 4, checked);
        assertEquals(List.of(), mismatches);
    }

    @Test
    void unblockReturnsToTheRememberedStateOrPendingIfNeverClaimed() {
        Transition unblock = Lifecycle.find(TaskStatus.blocked, TaskAction.unblock, ReviewPolicy.pm, Set.of(Actor.system)).orElseThrow();
        assertEquals(TaskStatus.in_progress, unblock.targetFrom(TaskStatus.blocked, TaskStatus.in_progress));
        assertEquals(TaskStatus.awaiting_qa, unblock.targetFrom(TaskStatus.blocked, TaskStatus.awaiting_qa));
        assertEquals(TaskStatus.pending, unblock.targetFrom(TaskStatus.blocked, null));
    }

    @Test
    void terminalStatesAllowNothing() {
        for (TaskStatus s : List.of(TaskStatus.completed, TaskStatus.cancelled)) {
            assertTrue(Lifecycle.allowed(s, ReviewPolicy.full, EnumSet.allOf(Actor.class)).isEmpty(), s + " is terminal");
        }
    }

    @Test
    void allowedActionsDependOnWhoAsks() {
        Set<Actor> holder = EnumSet.of(Actor.holder, Actor.worker);
        assertEquals(List.of(TaskAction.release, TaskAction.block, TaskAction.pause, TaskAction.request_pr_review,
                TaskAction.complete), Lifecycle.allowed(TaskStatus.in_progress, ReviewPolicy.none, holder));
        assertFalse(Lifecycle.allowed(TaskStatus.in_progress, ReviewPolicy.none, EnumSet.of(Actor.worker)).contains(TaskAction.complete));
        assertTrue(Lifecycle.existsFrom(TaskStatus.in_progress, TaskAction.complete, ReviewPolicy.none));
        assertFalse(Lifecycle.existsFrom(TaskStatus.in_progress, TaskAction.complete, ReviewPolicy.pm));
    }
}
