package io.companyagents.agents.service;

import io.companyagents.agents.domain.Product;
import io.companyagents.agents.domain.ProductProject;
import io.companyagents.agents.domain.Project;
import io.companyagents.agents.domain.Team;
import io.companyagents.agents.messaging.OrgEvents;
import io.companyagents.agents.repository.ProductProjectRepository;
import io.companyagents.agents.repository.ProductRepository;
import io.companyagents.agents.repository.ProjectRepository;
import io.companyagents.agents.repository.TeamRepository;
import io.companyagents.agents.rest.Patch;
import io.companyagents.agents.rest.Preconditions;
import io.companyagents.agents.rest.ProductApi.CreateProduct;
import io.companyagents.agents.rest.ProductApi.UpdateProduct;
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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Products and their per-team project map. Every team and project in a map is one of the
 * product's company (400 naming the offending entry otherwise; the database's composite keys
 * say the same), and a team builds a product in one project.
 */
@ApplicationScoped
public class ProductService {

    @Inject
    ProductRepository products;

    @Inject
    ProductProjectRepository entries;

    @Inject
    TeamRepository teams;

    @Inject
    ProjectRepository projects;

    @Inject
    CompanyService companies;

    @Inject
    Outbox outbox;

    @WithTransaction
    public Uni<Product> create(UUID companyId, CreateProduct request, String actorType, String actorId) {
        String name = request.name().trim();
        Map<UUID, UUID> map = request.projects() == null ? Map.of() : request.projects();
        List<ApiException.FieldError> missing = map.entrySet().stream().filter(e -> e.getValue() == null)
                .map(e -> new ApiException.FieldError(field(e.getKey()), "must name a project of this company")).toList();
        if (!missing.isEmpty()) {
            throw ApiException.validation(missing);
        }
        return companies.get(companyId)
                .call(() -> requireFreeName(companyId, name, null))
                .call(() -> requireOwnTeamsAndProjects(companyId, map))
                .chain(() -> {
                    Product p = new Product();
                    p.id = Ids.newId();
                    p.companyId = companyId;
                    p.name = name;
                    p.description = request.description();
                    p.createdAt = Timestamps.now();
                    p.updatedAt = p.createdAt;
                    p.projects.putAll(map);
                    return products.persist(p);
                })
                .call(p -> entries.persistAll(p.projects.entrySet().stream()
                        .map(e -> entry(p, e.getKey(), e.getValue())).toList()))
                .call(p -> outbox.append(OrgEvents.product(EventType.PRODUCT_CREATED, p, actorType, actorId)));
    }

    @WithSession
    public Uni<Product> get(UUID companyId, UUID id) {
        return products.findInCompany(companyId, id)
                .onItem().ifNull().failWith(() -> ApiException.notFound("product " + id))
                .call(p -> withMaps(List.of(p)));
    }

    @WithSession
    public Uni<Page<Product>> list(UUID companyId, PageRequest page) {
        return companies.get(companyId)
                .chain(() -> products.page(companyId, page.afterId(), page.fetchSize()))
                .call(this::withMaps)
                .map(rows -> page.page(rows, p -> p.id.toString()));
    }

    /** Applies a merge patch at the expected version; the map is patched entry by entry. */
    @WithTransaction
    public Uni<Product> update(UUID companyId, UUID id, OptionalLong expectedVersion, Patch<UpdateProduct> patch,
                               String actorType, String actorId) {
        UpdateProduct v = patch.values();
        return products.lockInCompany(companyId, id)
                .onItem().ifNull().failWith(() -> ApiException.notFound("product " + id))
                .chain(p -> {
                    Preconditions.check(expectedVersion, p.version);
                    return entries.ofProducts(List.of(p.id)).chain(rows -> {
                        Map<UUID, ProductProject> current = rows.stream()
                                .collect(Collectors.toMap(r -> r.teamId, Function.identity()));
                        Map<UUID, UUID> target = new TreeMap<>();
                        current.forEach((team, row) -> target.put(team, row.projectId));
                        if (patch.has("projects")) {
                            if (v.projects() == null) {
                                target.clear();
                            } else {
                                v.projects().forEach((team, project) -> {
                                    if (project == null) {
                                        target.remove(team);
                                    } else {
                                        target.put(team, project);
                                    }
                                });
                            }
                        }
                        Map<UUID, UUID> set = new TreeMap<>();
                        target.forEach((team, project) -> {
                            if (!current.containsKey(team) || !current.get(team).projectId.equals(project)) {
                                set.put(team, project);
                            }
                        });
                        String name = patch.has("name") ? v.name().trim() : p.name;
                        Uni<Void> checks = Uni.createFrom().voidItem();
                        if (!name.equalsIgnoreCase(p.name)) {
                            checks = checks.chain(() -> requireFreeName(companyId, name, p.id));
                        }
                        return checks.chain(() -> requireOwnTeamsAndProjects(companyId, set))
                                .chain(() -> apply(p, name, patch, current, target, set, actorType, actorId));
                    });
                });
    }

    private Uni<Product> apply(Product p, String name, Patch<UpdateProduct> patch, Map<UUID, ProductProject> current,
                               Map<UUID, UUID> target, Map<UUID, UUID> set, String actorType, String actorId) {
        List<ProductProject> dropped = current.values().stream().filter(r -> !target.containsKey(r.teamId)).toList();
        boolean changed = !dropped.isEmpty() || !set.isEmpty() || !name.equals(p.name)
                || (patch.has("description") && !Objects.equals(patch.values().description(), p.description));
        p.projects = target;
        if (!changed) {
            return Uni.createFrom().item(p);
        }
        p.name = name;
        if (patch.has("description")) {
            p.description = patch.values().description();
        }
        p.updatedAt = Timestamps.now();
        List<ProductProject> added = new ArrayList<>();
        set.forEach((team, project) -> {
            ProductProject row = current.get(team);
            if (row != null) {
                row.projectId = project;
            } else {
                added.add(entry(p, team, project));
            }
        });
        // one session does one thing at a time: removals in sequence, then the new entries
        Uni<Void> removals = Uni.createFrom().voidItem();
        for (ProductProject row : dropped) {
            removals = removals.chain(() -> entries.delete(row));
        }
        return removals
                .chain(() -> entries.persistAll(added))
                .chain(products::flush)
                .chain(() -> outbox.append(OrgEvents.product(EventType.PRODUCT_UPDATED, p, actorType, actorId)))
                .replaceWith(p);
    }

    /** Fills each product's map from its entries, in one query for all of them. */
    private Uni<Void> withMaps(List<Product> page) {
        Map<UUID, Product> byId = page.stream().collect(Collectors.toMap(p -> p.id, Function.identity()));
        return entries.ofProducts(byId.keySet()).invoke(rows -> {
            page.forEach(p -> p.projects = new TreeMap<>());
            rows.forEach(r -> byId.get(r.productId).projects.put(r.teamId, r.projectId));
        }).replaceWithVoid();
    }

    /** 400 naming each entry whose team or project is not one of the company's. */
    private Uni<Void> requireOwnTeamsAndProjects(UUID companyId, Map<UUID, UUID> map) {
        if (map.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return teams.listInCompany(companyId, map.keySet()).map(found -> found.stream().map((Team t) -> t.id)
                        .collect(Collectors.toSet()))
                .chain(ownTeams -> projects.listInCompany(companyId, new HashSet<>(map.values()))
                        .map(found -> {
                            Set<UUID> ownProjects = found.stream().map((Project p) -> p.id).collect(Collectors.toSet());
                            List<ApiException.FieldError> errors = new ArrayList<>();
                            new TreeMap<>(map).forEach((team, project) -> {
                                if (!ownTeams.contains(team)) {
                                    errors.add(new ApiException.FieldError(field(team), "is not a team of this company"));
                                } else if (!ownProjects.contains(project)) {
                                    errors.add(new ApiException.FieldError(field(team), "is not a project of this company"));
                                }
                            });
                            if (!errors.isEmpty()) {
                                throw ApiException.validation(errors);
                            }
                            return null;
                        }))
                .replaceWithVoid();
    }

    private Uni<Void> requireFreeName(UUID companyId, String name, UUID except) {
        return products.nameTaken(companyId, name, except).invoke(taken -> {
            if (taken) {
                throw ApiException.conflict("product_name_taken", "a product named '" + name + "' already exists");
            }
        }).replaceWithVoid();
    }

    private static ProductProject entry(Product p, UUID team, UUID project) {
        ProductProject row = new ProductProject();
        row.id = Ids.newId();
        row.companyId = p.companyId;
        row.productId = p.id;
        row.teamId = team;
        row.projectId = project;
        return row;
    }

    private static String field(UUID team) {
        return "projects." + team;
    }
}
