package io.companyagents.agents.rest;

import io.companyagents.agents.domain.Approval;
import io.companyagents.agents.domain.ApprovalKind;
import io.companyagents.agents.domain.ApprovalStatus;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import java.time.OffsetDateTime;
import java.util.Map;
import java.util.UUID;

/** Request and response shapes of approvals. */
public final class ApprovalApi {

    private ApprovalApi() {
    }

    /** A request for the board's decision; it starts pending. */
    public record CreateApproval(@NotNull ApprovalKind kind, Map<String, Object> payload) {
    }

    /** Optional body of approve and reject. */
    public record Decision(@Size(max = 2000) String note) {
    }

    /** {@code agentId}: for a hire opened by creating an agent, the agent the decision activates or terminates. */
    public record ApprovalView(UUID id, ApprovalKind kind, Map<String, Object> payload, ApprovalStatus status,
                               UUID agentId, String requestedByType, String requestedBy, String decidedBy,
                               OffsetDateTime decidedAt, String decisionNote, OffsetDateTime createdAt, long version) {

        public static ApprovalView of(Approval a) {
            return new ApprovalView(a.id, a.kind, a.payload, a.status, a.agentId, a.requestedByType, a.requestedBy,
                    a.decidedBy, a.decidedAt, a.decisionNote, a.createdAt, a.version);
        }
    }
}
