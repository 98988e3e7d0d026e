package io.companyagents.agents.service;

import io.companyagents.agents.domain.Company;
import io.companyagents.agents.domain.CompanyStatus;
import io.companyagents.agents.repository.CompanyRepository;
import io.companyagents.agents.rest.CompanyApi.CreateCompany;
import io.companyagents.agents.rest.CompanyApi.UpdateCompany;
import io.companyagents.agents.rest.Patch;
import io.companyagents.agents.rest.Preconditions;
import io.companyagents.platform.events.DomainEvent;
import io.companyagents.platform.events.EventPayloads;
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
import jakarta.persistence.LockModeType;

import java.security.SecureRandom;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.UUID;

@ApplicationScoped
public class CompanyService {

    private static final SecureRandom RANDOM = new SecureRandom();

    @Inject
    CompanyRepository companies;

    @Inject
    Outbox outbox;

    /** Stores the company and its {@code company.created} event in one transaction. */
    @WithTransaction
    public Uni<Company> create(CreateCompany request, String actorType, String actorId) {
        Uni<String> slug = request.slug() != null
                ? companies.slugTaken(request.slug()).map(taken -> {
                    if (taken) {
                        throw ApiException.conflict("slug_taken", "slug '" + request.slug() + "' is already in use");
                    }
                    return request.slug();
                })
                : freeSlug(slugOf(request.name()));
        return slug.chain(s -> {
            Company c = new Company();
            c.id = Ids.newId();
            c.name = request.name().trim();
            c.slug = s;
            c.description = request.description();
            c.status = CompanyStatus.active;
            c.defaultReviewPolicy = request.defaultReviewPolicy() == null ? "pm" : request.defaultReviewPolicy();
            c.requireAgentApproval = Boolean.TRUE.equals(request.requireAgentApproval());
            c.createdAt = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
            c.updatedAt = c.createdAt;
            return companies.persist(c)
                    .call(saved -> outbox.append(new DomainEvent(EventType.COMPANY_CREATED, c.id, actorType, actorId,
                            "company", c.id.toString(), payload(c))));
        });
    }

    /**
     * Applies a merge patch to the company if it is still at the expected version, and stores
     * {@code company.updated} with it. A patch that changes nothing changes no version.
     */
    @WithTransaction
    public Uni<Company> update(UUID id, OptionalLong expectedVersion, Patch<UpdateCompany> patch, String actorType,
                               String actorId) {
        UpdateCompany values = patch.values();
        return companies.findById(id, LockModeType.PESSIMISTIC_WRITE)
                .onItem().ifNull().failWith(() -> ApiException.notFound("company " + id))
                .chain(c -> {
                    Preconditions.check(expectedVersion, c.version);
                    boolean changed = false;
                    if (patch.has("name") && !values.name().trim().equals(c.name)) {
                        c.name = values.name().trim();
                        changed = true;
                    }
                    if (patch.has("description") && !Objects.equals(values.description(), c.description)) {
                        c.description = values.description();
                        changed = true;
                    }
                    if (patch.has("status") && values.status() != c.status) {
                        c.status = values.status();
                        changed = true;
                    }
                    if (patch.has("defaultReviewPolicy") && !values.defaultReviewPolicy().equals(c.defaultReviewPolicy)) {
                        c.defaultReviewPolicy = values.defaultReviewPolicy();
                        changed = true;
                    }
                    if (patch.has("requireAgentApproval") && values.requireAgentApproval() != c.requireAgentApproval) {
                        c.requireAgentApproval = values.requireAgentApproval();
                        changed = true;
                    }
                    if (!changed) {
                        return Uni.createFrom().item(c);
                    }
                    c.updatedAt = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
                    return companies.flush()
                            .chain(() -> outbox.append(new DomainEvent(EventType.COMPANY_UPDATED, c.id, actorType,
                                    actorId, "company", c.id.toString(), payload(c))))
                            .replaceWith(c);
                });
    }

    @WithSession
    public Uni<Company> get(UUID id) {
        return companies.findById(id).onItem().ifNull().failWith(() -> ApiException.notFound("company " + id));
    }

    @WithSession
    public Uni<Page<Company>> list(PageRequest page, UUID onlyCompany) {
        return companies.page(page.afterId(), onlyCompany, page.fetchSize())
                .map(rows -> page.page(rows, c -> c.id.toString()));
    }

    static EventPayloads.CompanyChanged payload(Company c) {
        return new EventPayloads.CompanyChanged(c.id, c.name, c.slug, c.description, c.status.name(),
                c.defaultReviewPolicy, c.createdAt, c.version);
    }

    static String slugOf(String name) {
        String slug = name.toLowerCase().replaceAll("[^a-z0-9]+", "-").replaceAll("(^-+|-+$)", "");
        if (slug.length() > 48) {
            slug = slug.substring(0, 48).replaceAll("-+$", "");
        }
        return slug.length() < 2 ? "company" : slug;
    }

    private Uni<String> freeSlug(String base) {
        return companies.slugTaken(base).map(taken -> taken
                ? base + "-" + HexFormat.of().formatHex(RANDOM.generateSeed(3))
                : base);
    }
}
