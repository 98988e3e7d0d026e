package io.companyagents.agents.service;

import io.companyagents.agents.domain.Notification;
import io.companyagents.agents.messaging.OrgEvents;
import io.companyagents.agents.repository.AgentRepository;
import io.companyagents.agents.repository.NotificationRepository;
import io.companyagents.agents.rest.NotificationApi.CreateNotification;
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

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Notifications to agents. Only a recipient acknowledges one, and only for itself. */
@ApplicationScoped
public class NotificationService {

    @Inject
    NotificationRepository notifications;

    @Inject
    AgentRepository agents;

    @Inject
    CompanyService companies;

    @Inject
    Outbox outbox;

    @WithTransaction
    public Uni<Notification> create(UUID companyId, CreateNotification request, String actorType, String actorId) {
        List<UUID> recipients = request.recipients().stream().distinct().toList();
        return companies.get(companyId)
                .chain(() -> agents.countInCompany(companyId, recipients))
                .chain(found -> {
                    if (found != recipients.size()) {
                        throw ApiException.validation("recipients", "every recipient must be an agent of this company");
                    }
                    Notification n = new Notification();
                    n.id = Ids.newId();
                    n.companyId = companyId;
                    n.kind = request.kind();
                    n.recipients = recipients;
                    n.title = request.title();
                    n.body = request.body();
                    n.requiresAck = Boolean.TRUE.equals(request.requiresAck());
                    n.acks = Map.of();
                    n.createdByType = actorType;
                    n.createdBy = actorId;
                    n.createdAt = Timestamps.now();
                    return notifications.persist(n);
                })
                .call(n -> outbox.append(OrgEvents.notificationCreated(n)));
    }

    @WithSession
    public Uni<Notification> get(UUID companyId, UUID id) {
        return notifications.findInCompany(companyId, id)
                .onItem().ifNull().failWith(() -> ApiException.notFound("notification " + id));
    }

    @WithSession
    public Uni<Page<Notification>> list(UUID companyId, UUID recipient, boolean unacked, PageRequest page) {
        return companies.get(companyId)
                .chain(() -> notifications.page(companyId, page.afterId(), recipient, unacked, page.fetchSize()))
                .map(rows -> page.page(rows, n -> n.id.toString()));
    }

    /**
     * The calling agent acknowledges a notification addressed to it; anyone else is refused
     * (403). Acknowledging twice keeps the first time and publishes nothing new.
     */
    @WithTransaction
    public Uni<Notification> ack(UUID companyId, UUID id, UUID callerAgentId) {
        return notifications.lockInCompany(companyId, id)
                .onItem().ifNull().failWith(() -> ApiException.notFound("notification " + id))
                .chain(n -> {
                    if (!n.isRecipient(callerAgentId)) {
                        throw ApiException.forbidden("only a recipient may acknowledge this notification");
                    }
                    OffsetDateTime now = Timestamps.now();
                    if (!n.ack(callerAgentId, now)) {
                        return Uni.createFrom().item(n);
                    }
                    return notifications.flush()
                            .chain(() -> outbox.append(OrgEvents.notificationAcked(n, callerAgentId, now)))
                            .replaceWith(n);
                });
    }
}
