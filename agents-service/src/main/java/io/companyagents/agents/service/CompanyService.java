package io.companyagents.agents.service;

import io.companyagents.agents.domain.Company;
import io.companyagents.agents.domain.CompanyStatus;
import io.companyagents.agents.repository.CompanyRepository;
import io.companyagents.agents.rest.CompanyApi.CreateCompany;
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

import java.security.SecureRandom;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
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
            c.createdAt = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
            c.updatedAt = c.createdAt;
            return companies.persist(c)
                    .call(saved -> outbox.append(new DomainEvent(EventType.COMPANY_CREATED, c.id, actorType, actorId,
                            "company", c.id.toString(), payload(c))));
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
