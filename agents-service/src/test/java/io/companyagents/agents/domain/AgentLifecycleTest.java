package io.companyagents.agents.domain;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AgentLifecycleTest {

    @Test
    void workingAgentsCanBePausedOrTerminatedButNotResumed() {
        for (AgentStatus working : List.of(AgentStatus.active, AgentStatus.idle)) {
            assertEquals(Optional.of(AgentStatus.paused), AgentLifecycle.next(working, AgentAction.pause));
            assertEquals(Optional.of(AgentStatus.terminated), AgentLifecycle.next(working, AgentAction.terminate));
            assertEquals(Optional.empty(), AgentLifecycle.next(working, AgentAction.resume));
            assertEquals(List.of(AgentAction.pause, AgentAction.terminate), AgentLifecycle.allowed(working));
        }
    }

    @Test
    void aPausedAgentResumesActiveAndMayBePausedAgainForAnotherReason() {
        assertEquals(Optional.of(AgentStatus.active), AgentLifecycle.next(AgentStatus.paused, AgentAction.resume));
        assertEquals(Optional.of(AgentStatus.paused), AgentLifecycle.next(AgentStatus.paused, AgentAction.pause));
        assertEquals(Optional.of(AgentStatus.terminated), AgentLifecycle.next(AgentStatus.paused, AgentAction.terminate));
    }

    @Test
    void terminatedIsFinal() {
        for (AgentAction action : AgentAction.values()) {
            assertEquals(Optional.empty(), AgentLifecycle.next(AgentStatus.terminated, action));
        }
        assertTrue(AgentLifecycle.allowed(AgentStatus.terminated).isEmpty());
    }

    @Test
    void anUpdateMovesOnlyBetweenActiveAndIdle() {
        assertTrue(AgentLifecycle.settable(AgentStatus.active, AgentStatus.idle));
        assertTrue(AgentLifecycle.settable(AgentStatus.idle, AgentStatus.active));
        assertTrue(AgentLifecycle.settable(AgentStatus.paused, AgentStatus.paused));
        assertFalse(AgentLifecycle.settable(AgentStatus.paused, AgentStatus.active));
        assertFalse(AgentLifecycle.settable(AgentStatus.active, AgentStatus.paused));
        assertFalse(AgentLifecycle.settable(AgentStatus.terminated, AgentStatus.active));
        assertFalse(AgentLifecycle.settable(AgentStatus.idle, AgentStatus.terminated));
    }

    @Test
    void anAgentWaitingForApprovalIsOnlyHiredByTheDecisionOrTerminated() {
        assertEquals(List.of(AgentAction.terminate), AgentLifecycle.allowed(AgentStatus.pending_approval));
        assertEquals(Optional.empty(), AgentLifecycle.next(AgentStatus.pending_approval, AgentAction.resume));
        assertEquals(Optional.empty(), AgentLifecycle.next(AgentStatus.pending_approval, AgentAction.pause));
        assertFalse(AgentLifecycle.settable(AgentStatus.pending_approval, AgentStatus.active));
        assertFalse(AgentLifecycle.settable(AgentStatus.active, AgentStatus.pending_approval));
        assertFalse(AgentStatus.pending_approval.isWorking());
        assertEquals(Optional.of(AgentStatus.active), AgentLifecycle.hired(AgentStatus.pending_approval, true));
        assertEquals(Optional.of(AgentStatus.terminated), AgentLifecycle.hired(AgentStatus.pending_approval, false));
        // a decision on an agent that no longer waits (terminated meanwhile) changes nothing
        assertEquals(Optional.empty(), AgentLifecycle.hired(AgentStatus.terminated, true));
        assertEquals(Optional.empty(), AgentLifecycle.hired(AgentStatus.active, false));
    }
}
