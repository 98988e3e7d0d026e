package io.companyagents.agents.service;

import io.companyagents.agents.domain.Agent;
import io.companyagents.agents.domain.AgentStatus;
import io.companyagents.agents.domain.Team;
import io.companyagents.agents.messaging.OrgEvents;
import io.companyagents.agents.repository.AgentRepository;
import io.companyagents.agents.repository.ProductProjectRepository;
import io.companyagents.agents.repository.ProjectRepository;
import io.companyagents.agents.repository.TeamRepository;
import io.companyagents.agents.rest.Patch;
import io.companyagents.agents.rest.Preconditions;
import io.companyagents.agents.rest.TeamApi.CreateTeam;
import io.companyagents.agents.rest.TeamApi.UpdateTeam;
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

import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.UUID;

@ApplicationScoped
public class TeamService {

    @Inject
    TeamRepository teams;

    @Inject
    AgentRepository agents;

    @Inject
    ProjectRepository projects;

    @Inject
    ProductProjectRepository productProjects;

    @Inject
    CompanyService companies;

    @Inject
    Outbox outbox;

    @WithTransaction
    public Uni<Team> create(UUID companyId, CreateTeam request, String actorType, String actorId) {
        String name = request.name().trim();
        return companies.get(companyId)
                .chain(() -> requireFreeName(companyId, name, null))
                .chain(() -> requireLead(companyId, request.leadAgentId()))
                .chain(() -> {
                    Team t = new Team();
                    t.id = Ids.newId();
                    t.companyId = companyId;
                    t.name = name;
                    t.description = request.description();
                    t.leadAgentId = request.leadAgentId();
                    t.createdAt = Timestamps.now();
                    t.updatedAt = t.createdAt;
                    return teams.persist(t);
                })
                .call(t -> outbox.append(OrgEvents.team(EventType.TEAM_CREATED, t, actorType, actorId)));
    }

    @WithSession
    public Uni<Team> get(UUID companyId, UUID teamId) {
        return teams.findInCompany(companyId, teamId)
                .onItem().ifNull().failWith(() -> ApiException.notFound("team " + teamId));
    }

    @WithSession
    public Uni<Page<Team>> list(UUID companyId, PageRequest page) {
        return companies.get(companyId)
                .chain(() -> teams.page(companyId, page.afterId(), page.fetchSize()))
                .map(rows -> page.page(rows, t -> t.id.toString()));
    }

    @WithTransaction
    public Uni<Team> update(UUID companyId, UUID teamId, OptionalLong expectedVersion, Patch<UpdateTeam> patch,
                            String actorType, String actorId) {
        UpdateTeam values = patch.values();
        return teams.lockInCompany(companyId, teamId)
                .onItem().ifNull().failWith(() -> ApiException.notFound("team " + teamId))
                .chain(t -> {
                    Preconditions.check(expectedVersion, t.version);
                    String name = patch.has("name") ? values.name().trim() : t.name;
                    Uni<Void> checks = Uni.createFrom().voidItem();
                    if (!name.equals(t.name)) {
                        checks = checks.chain(() -> requireFreeName(companyId, name, teamId));
                    }
                    if (patch.has("leadAgentId") && !Objects.equals(values.leadAgentId(), t.leadAgentId)) {
                        checks = checks.chain(() -> requireLead(companyId, values.leadAgentId()));
                    }
                    return checks.chain(() -> {
                        boolean changed = !name.equals(t.name)
                                || (patch.has("description") && !Objects.equals(values.description(), t.description))
                                || (patch.has("leadAgentId") && !Objects.equals(values.leadAgentId(), t.leadAgentId));
                        if (!changed) {
                            return Uni.createFrom().item(t);
                        }
                        t.name = name;
                        if (patch.has("description")) {
                            t.description = values.description();
                        }
                        if (patch.has("leadAgentId")) {
                            t.leadAgentId = values.leadAgentId();
                        }
                        t.updatedAt = Timestamps.now();
                        return teams.flush()
                                .chain(() -> outbox.append(OrgEvents.team(EventType.TEAM_UPDATED, t, actorType, actorId)))
                                .replaceWith(t);
                    });
                });
    }

    /**
     * Deletes an empty team. Agents still working in it refuse the delete (409); terminated
     * agents only remember it, so they let go of it (each an {@code agent.updated}).
     */
    @WithTransaction
    public Uni<Void> delete(UUID companyId, UUID teamId, OptionalLong expectedVersion, String actorType, String actorId) {
        return teams.lockInCompany(companyId, teamId)
                .onItem().ifNull().failWith(() -> ApiException.notFound("team " + teamId))
                .chain(t -> {
                    Preconditions.check(expectedVersion, t.version);
                    return agents.inTeam(teamId).chain(members -> {
                        long working = members.stream().filter(a -> a.status != AgentStatus.terminated).count();
                        if (working > 0) {
                            throw ApiException.conflict("team_not_empty",
                                    "the team still has " + working + " agent(s); move or terminate them first");
                        }
                        return projects.countInTeam(teamId).chain(n -> {
                            if (n > 0) {
                                throw ApiException.conflict("team_has_projects",
                                        "the team still owns " + n + " project(s); move them first");
                            }
                            return productProjects.countForTeam(teamId);
                        }).chain(n -> {
                            if (n > 0) {
                                throw ApiException.conflict("team_in_products",
                                        "the team still builds " + n + " product(s); take it out of their project maps first");
                            }
                            return releaseTerminated(members, actorType, actorId)
                                    .chain(() -> outbox.append(OrgEvents.team(EventType.TEAM_DELETED, t, actorType, actorId)))
                                    .chain(() -> teams.delete(t));
                        });
                    });
                });
    }

    private Uni<Void> releaseTerminated(List<Agent> terminated, String actorType, String actorId) {
        if (terminated.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        for (Agent a : terminated) {
            a.teamId = null;
            a.updatedAt = Timestamps.now();
        }
        Uni<Void> events = agents.flush();
        for (Agent a : terminated) {
            events = events.chain(() -> outbox.append(OrgEvents.agent(EventType.AGENT_UPDATED, a, actorType, actorId)))
                    .replaceWithVoid();
        }
        return events;
    }

    private Uni<Void> requireFreeName(UUID companyId, String name, UUID except) {
        return teams.nameTaken(companyId, name, except).invoke(taken -> {
            if (taken) {
                throw ApiException.conflict("team_name_taken", "a team named '" + name + "' already exists");
            }
        }).replaceWithVoid();
    }

    private Uni<Void> requireLead(UUID companyId, UUID leadAgentId) {
        if (leadAgentId == null) {
            return Uni.createFrom().voidItem();
        }
        return agents.findInCompany(companyId, leadAgentId).invoke(lead -> {
            if (lead == null) {
                throw ApiException.validation("leadAgentId", "is not an agent of this company");
            }
            if (lead.status == AgentStatus.terminated) {
                throw ApiException.validation("leadAgentId", "is a terminated agent");
            }
        }).replaceWithVoid();
    }
}
