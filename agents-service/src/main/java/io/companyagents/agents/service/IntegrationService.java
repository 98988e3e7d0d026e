package io.companyagents.agents.service;

import io.companyagents.agents.domain.Integration;
import io.companyagents.agents.domain.IntegrationStatus;
import io.companyagents.agents.messaging.OrgEvents;
import io.companyagents.agents.repository.IntegrationRepository;
import io.companyagents.agents.rest.IntegrationApi.CreateIntegration;
import io.companyagents.agents.rest.IntegrationApi.UpdateIntegration;
import io.companyagents.agents.rest.Patch;
import io.companyagents.agents.rest.Preconditions;
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

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.UUID;

/**
 * Integrations with outside systems. Every change, the sync cursor included, is made at the
 * version the caller read (the row is locked, then the version compared), so of two syncs that
 * read the same cursor exactly one moves it and the other gets 412.
 */
@ApplicationScoped
public class IntegrationService {

    @Inject
    IntegrationRepository integrations;

    @Inject
    CompanyService companies;

    @Inject
    Outbox outbox;

    @WithTransaction
    public Uni<Integration> create(UUID companyId, CreateIntegration request, String actorType, String actorId) {
        return companies.get(companyId).chain(() -> {
            Integration i = new Integration();
            i.id = Ids.newId();
            i.companyId = companyId;
            i.kind = request.kind();
            i.config = request.config() == null ? Map.of() : new LinkedHashMap<>(request.config());
            i.status = request.status() == null ? IntegrationStatus.active : request.status();
            i.state = request.state() == null ? null : new LinkedHashMap<>(request.state());
            i.credentialSecretId = request.credentialSecretId();
            i.createdAt = Timestamps.now();
            i.updatedAt = i.createdAt;
            return integrations.persist(i);
        }).call(i -> outbox.append(OrgEvents.integration(EventType.INTEGRATION_CREATED, i, List.of(), actorType, actorId)));
    }

    @WithSession
    public Uni<Integration> get(UUID companyId, UUID id) {
        return integrations.findInCompany(companyId, id)
                .onItem().ifNull().failWith(() -> ApiException.notFound("integration " + id));
    }

    @WithSession
    public Uni<Page<Integration>> list(UUID companyId, String kind, IntegrationStatus status, PageRequest page) {
        return companies.get(companyId)
                .chain(() -> integrations.page(companyId, page.afterId(), kind, status, page.fetchSize()))
                .map(rows -> page.page(rows, i -> i.id.toString()));
    }

    /** Applies a merge patch at the expected version; {@code integration.updated} names what changed. */
    @WithTransaction
    public Uni<Integration> update(UUID companyId, UUID id, OptionalLong expectedVersion, Patch<UpdateIntegration> patch,
                                   String actorType, String actorId) {
        UpdateIntegration v = patch.values();
        return integrations.lockInCompany(companyId, id)
                .onItem().ifNull().failWith(() -> ApiException.notFound("integration " + id))
                .chain(i -> {
                    Preconditions.check(expectedVersion, i.version);
                    List<String> changed = new ArrayList<>();
                    if (patch.has("config") && !v.config().equals(i.config)) {
                        i.config = new LinkedHashMap<>(v.config());
                        changed.add("config");
                    }
                    if (patch.has("status") && v.status() != i.status) {
                        i.status = v.status();
                        changed.add("status");
                    }
                    if (patch.has("state") && !Objects.equals(v.state(), i.state)) {
                        i.state = v.state() == null ? null : new LinkedHashMap<>(v.state());
                        changed.add("state");
                    }
                    if (patch.has("credentialSecretId") && !Objects.equals(v.credentialSecretId(), i.credentialSecretId)) {
                        i.credentialSecretId = v.credentialSecretId();
                        changed.add("credentialSecretId");
                    }
                    if (changed.isEmpty()) {
                        return Uni.createFrom().item(i);
                    }
                    i.updatedAt = Timestamps.now();
                    return integrations.flush()
                            .chain(() -> outbox.append(OrgEvents.integration(EventType.INTEGRATION_UPDATED, i, changed,
                                    actorType, actorId)))
                            .replaceWith(i);
                });
    }
}
