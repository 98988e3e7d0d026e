package io.companyagents.agents.service;

import io.companyagents.agents.client.GitTokenStore;
import io.companyagents.agents.client.SecretStoreRefusedException;
import io.companyagents.agents.domain.Project;
import io.companyagents.agents.messaging.OrgEvents;
import io.companyagents.agents.repository.ProjectRepository;
import io.companyagents.agents.repository.TeamRepository;
import io.companyagents.agents.rest.Patch;
import io.companyagents.agents.rest.Preconditions;
import io.companyagents.agents.rest.ProjectApi.CreateProject;
import io.companyagents.agents.rest.ProjectApi.ProjectView;
import io.companyagents.agents.rest.ProjectApi.UpdateProject;
import io.companyagents.platform.events.EventType;
import io.companyagents.platform.id.Ids;
import io.companyagents.platform.outbox.Outbox;
import io.companyagents.platform.paging.Page;
import io.companyagents.platform.paging.PageRequest;
import io.companyagents.platform.problem.ApiException;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Projects and their git settings. A git token goes to the {@link GitTokenStore} as the last
 * step of the transaction that records the project: if the store cannot take it, the
 * transaction rolls back and nothing is stored anywhere (503).
 */
@ApplicationScoped
public class ProjectService {

    private static final Logger LOG = Logger.getLogger(ProjectService.class);
    static final String DEFAULT_BRANCH = "main";

    @Inject
    ProjectRepository projects;

    @Inject
    TeamRepository teams;

    @Inject
    CompanyService companies;

    @Inject
    GitTokenStore tokens;

    @Inject
    IdempotentCreate idempotent;

    @Inject
    Outbox outbox;

    /**
     * Creates a project under the request's Idempotency-Key. The token is taken back if the
     * transaction fails after the store took it, including at the commit.
     */
    public Uni<Response> create(UUID companyId, CreateProject request, String idempotencyKey, String callerToken,
                                String actorType, String actorId) {
        UUID id = Ids.newId();
        AtomicBoolean tokenStored = new AtomicBoolean();
        String name = request.name().trim();
        return idempotent.create(companyId, idempotencyKey, "/api/v1/companies/" + companyId + "/projects", request,
                        () -> companies.get(companyId)
                                .chain(() -> requireFreeName(companyId, name, null))
                                .chain(() -> requireTeam(companyId, request.teamId()))
                                .chain(() -> {
                                    Project p = new Project();
                                    p.id = id;
                                    p.companyId = companyId;
                                    p.name = name;
                                    p.gitUrl = request.gitUrl();
                                    p.defaultBranch = request.defaultBranch() == null ? DEFAULT_BRANCH : request.defaultBranch();
                                    p.protectedBranches = request.protectedBranches() == null
                                            ? List.of(p.defaultBranch) : List.copyOf(request.protectedBranches());
                                    p.teamId = request.teamId();
                                    p.hasGitToken = request.gitToken() != null;
                                    p.createdAt = Timestamps.now();
                                    p.updatedAt = p.createdAt;
                                    return projects.persist(p);
                                })
                                .call(p -> outbox.append(OrgEvents.project(EventType.PROJECT_CREATED, p, actorType, actorId)))
                                .call(p -> request.gitToken() == null ? Uni.createFrom().voidItem()
                                        : storeToken(callerToken, p, request.gitToken()).invoke(() -> tokenStored.set(true)))
                                .map(ProjectView::of))
                // the commit failed after the store took the token: take it back (best effort)
                .onFailure().call(() -> tokenStored.get()
                        ? tokens.remove(callerToken, companyId, id).onFailure().recoverWithNull()
                        : Uni.createFrom().voidItem());
    }

    @WithSession
    public Uni<Project> get(UUID companyId, UUID projectId) {
        return projects.findInCompany(companyId, projectId)
                .onItem().ifNull().failWith(() -> ApiException.notFound("project " + projectId));
    }

    @WithSession
    public Uni<Page<Project>> list(UUID companyId, UUID teamId, PageRequest page) {
        return companies.get(companyId)
                .chain(() -> projects.page(companyId, page.afterId(), teamId, page.fetchSize()))
                .map(rows -> page.page(rows, p -> p.id.toString()));
    }

    /** Applies a merge patch; {@code gitToken} replaces the stored token, {@code gitToken: null} removes it. */
    public Uni<Project> update(UUID companyId, UUID projectId, OptionalLong expectedVersion, Patch<UpdateProject> patch,
                               String callerToken, String actorType, String actorId) {
        UpdateProject v = patch.values();
        return Panache.withTransaction(() -> projects.lockInCompany(companyId, projectId)
                .onItem().ifNull().failWith(() -> ApiException.notFound("project " + projectId))
                .chain(p -> {
                    Preconditions.check(expectedVersion, p.version);
                    String name = patch.has("name") ? v.name().trim() : p.name;
                    Uni<Void> checks = Uni.createFrom().voidItem();
                    if (!name.equalsIgnoreCase(p.name)) {
                        checks = checks.chain(() -> requireFreeName(companyId, name, projectId));
                    }
                    if (patch.has("teamId") && !Objects.equals(v.teamId(), p.teamId)) {
                        checks = checks.chain(() -> requireTeam(companyId, v.teamId()));
                    }
                    return checks.chain(() -> apply(p, name, patch, callerToken, actorType, actorId));
                }));
    }

    private Uni<Project> apply(Project p, String name, Patch<UpdateProject> patch, String callerToken, String actorType,
                               String actorId) {
        UpdateProject v = patch.values();
        boolean tokenChange = patch.has("gitToken");
        boolean changed = tokenChange;
        if (!name.equals(p.name)) {
            p.name = name;
            changed = true;
        }
        if (patch.has("gitUrl") && !Objects.equals(v.gitUrl(), p.gitUrl)) {
            p.gitUrl = v.gitUrl();
            changed = true;
        }
        if (patch.has("defaultBranch") && !v.defaultBranch().equals(p.defaultBranch)) {
            p.defaultBranch = v.defaultBranch();
            changed = true;
        }
        if (patch.has("protectedBranches") && !v.protectedBranches().equals(p.protectedBranches)) {
            p.protectedBranches = List.copyOf(v.protectedBranches());
            changed = true;
        }
        if (patch.has("teamId") && !Objects.equals(v.teamId(), p.teamId)) {
            p.teamId = v.teamId();
            changed = true;
        }
        if (!changed) {
            return Uni.createFrom().item(p);
        }
        if (tokenChange) {
            p.hasGitToken = v.gitToken() != null;
        }
        // a new token alone still moves the version: the project's credentials changed
        p.updatedAt = Timestamps.now();
        return projects.flush()
                .chain(() -> outbox.append(OrgEvents.project(EventType.PROJECT_UPDATED, p, actorType, actorId)))
                .chain(() -> !tokenChange ? Uni.createFrom().voidItem()
                        : v.gitToken() != null ? storeToken(callerToken, p, v.gitToken())
                        : tokens.remove(callerToken, p.companyId, p.id).onFailure().transform(ProjectService::storeProblem))
                .replaceWith(p);
    }

    private Uni<Void> storeToken(String callerToken, Project p, String token) {
        return tokens.put(callerToken, p.companyId, p.id, token).onFailure().transform(ProjectService::storeProblem);
    }

    /** What the client hears when the token store failed; never the store's own words, never the token. */
    static ApiException storeProblem(Throwable failure) {
        if (failure instanceof SecretStoreRefusedException refused) {
            if (refused.status() == 401 || refused.status() == 403) {
                return ApiException.forbidden("the secret store does not let this credential manage project tokens");
            }
            LOG.warnf("secrets-service refused a project token request with %d", refused.status());
            return new ApiException(502, "secrets_rejected", "Bad Gateway",
                    "the secret store rejected the git token; nothing was stored");
        }
        LOG.warnf("secrets-service unavailable for a project token request: %s", failure.getClass().getSimpleName());
        return new ApiException(503, "secrets_unavailable", "Service Unavailable",
                "the secret store is unreachable, so the git token cannot be stored; nothing was changed, try again later");
    }

    private Uni<Void> requireFreeName(UUID companyId, String name, UUID except) {
        return projects.nameTaken(companyId, name, except).invoke(taken -> {
            if (taken) {
                throw ApiException.conflict("project_name_taken", "a project named '" + name + "' already exists");
            }
        }).replaceWithVoid();
    }

    private Uni<Void> requireTeam(UUID companyId, UUID teamId) {
        if (teamId == null) {
            return Uni.createFrom().voidItem();
        }
        return teams.findInCompany(companyId, teamId).invoke(t -> {
            if (t == null) {
                throw ApiException.validation("teamId", "is not a team of this company");
            }
        }).replaceWithVoid();
    }
}
