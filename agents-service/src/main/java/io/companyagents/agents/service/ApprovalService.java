package io.companyagents.agents.service;

import io.companyagents.agents.domain.Approval;
import io.companyagents.agents.domain.ApprovalKind;
import io.companyagents.agents.domain.ApprovalStatus;
import io.companyagents.agents.messaging.OrgEvents;
import io.companyagents.agents.repository.ApprovalRepository;
import io.companyagents.agents.rest.ApprovalApi.CreateApproval;
import io.companyagents.platform.events.EventType;
import io.companyagents.platform.id.Ids;
import io.companyagents.platform.outbox.Outbox;
import io.companyagents.platform.paging.Page;
import io.companyagents.platform.paging.PageRequest;
import io.companyagents.platform.problem.ApiException;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Requests for the board's decision: pending until approved or rejected, and final then. */
@ApplicationScoped
public class ApprovalService {

    @Inject
    ApprovalRepository approvals;

    @Inject
    CompanyService companies;

    @Inject
    Outbox outbox;

    @WithTransaction
    public Uni<Approval> request(UUID companyId, CreateApproval request, String actorType, String actorId) {
        return companies.get(companyId).chain(() -> {
            Approval a = new Approval();
            a.id = Ids.newId();
            a.companyId = companyId;
            a.kind = request.kind();
            a.payload = request.payload() == null ? Map.of() : new LinkedHashMap<>(request.payload());
            a.status = ApprovalStatus.pending;
            a.requestedByType = actorType;
            a.requestedBy = actorId;
            a.createdAt = Timestamps.now();
            a.updatedAt = a.createdAt;
            return approvals.persist(a);
        }).call(a -> outbox.append(OrgEvents.approval(EventType.APPROVAL_REQUESTED, a, actorType, actorId)));
    }

    @WithSession
    public Uni<Approval> get(UUID companyId, UUID id) {
        return approvals.findInCompany(companyId, id)
                .onItem().ifNull().failWith(() -> ApiException.notFound("approval " + id));
    }

    @WithSession
    public Uni<Page<Approval>> list(UUID companyId, ApprovalStatus status, ApprovalKind kind, PageRequest page) {
        return companies.get(companyId)
                .chain(() -> approvals.page(companyId, page.afterId(), status, kind, page.fetchSize()))
                .map(rows -> page.page(rows, a -> a.id.toString()));
    }

    /** Approves or rejects a pending request (409 {@code illegal_transition} once decided). */
    @WithTransaction
    public Uni<Approval> decide(UUID companyId, UUID id, ApprovalStatus decision, String note, String actorType,
                                String actorId) {
        return approvals.lockInCompany(companyId, id)
                .onItem().ifNull().failWith(() -> ApiException.notFound("approval " + id))
                .chain(a -> {
                    if (a.status != ApprovalStatus.pending) {
                        throw new ApiException(409, "illegal_transition", "Conflict",
                                "this approval was already " + a.status, List.of(),
                                Map.of("currentStatus", a.status.name(), "allowedActions", List.of()));
                    }
                    a.status = decision;
                    a.decidedBy = actorId;
                    a.decidedAt = Timestamps.now();
                    a.decisionNote = note;
                    a.updatedAt = a.decidedAt;
                    return approvals.flush()
                            .chain(() -> outbox.append(OrgEvents.approval(EventType.APPROVAL_DECIDED, a, actorType, actorId)))
                            .replaceWith(a);
                });
    }
}
