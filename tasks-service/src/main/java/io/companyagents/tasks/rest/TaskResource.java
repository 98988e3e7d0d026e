package io.companyagents.tasks.rest;

import io.companyagents.platform.identity.ActorType;
import io.companyagents.platform.identity.Caller;
import io.companyagents.platform.idempotency.Idempotency;
import io.companyagents.platform.paging.Page;
import io.companyagents.platform.paging.PageRequest;
import io.companyagents.platform.problem.ApiException;
import io.companyagents.tasks.rest.TaskApi.ActionRequest;
import io.companyagents.tasks.rest.TaskApi.ClaimRequest;
import io.companyagents.tasks.rest.TaskApi.CommentRequest;
import io.companyagents.tasks.rest.TaskApi.CommentView;
import io.companyagents.tasks.rest.TaskApi.CreateTask;
import io.companyagents.tasks.rest.TaskApi.DependencyRequest;
import io.companyagents.tasks.rest.TaskApi.PatchTask;
import io.companyagents.tasks.rest.TaskApi.TaskView;
import io.companyagents.tasks.service.ClaimService;
import io.companyagents.tasks.service.TaskActions;
import io.companyagents.tasks.service.TaskService;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.EntityTag;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.UUID;

@Path("/api/v1/companies/{companyId}/tasks")
@Tag(name = "Tasks")
public class TaskResource {

    @Inject
    TaskService tasks;

    @Inject
    TaskActions actions;

    @Inject
    ClaimService claims;

    @Inject
    Caller caller;

    @POST
    @Operation(summary = "Create a task (pending, or backlog); honours Idempotency-Key")
    public Uni<Response> create(@PathParam("companyId") UUID companyId, @HeaderParam(Idempotency.HEADER) String idempotencyKey,
                                @Valid @NotNull CreateTask body) {
        caller.requireCompany(companyId);
        requireManagerOrBoard();
        return tasks.create(companyId, body, idempotencyKey, caller);
    }

    @GET
    @Operation(summary = "List tasks; filters status (comma-separated), assignee, parentTaskId, teamId, label, q")
    public Uni<Page<TaskView>> list(@PathParam("companyId") UUID companyId, @QueryParam("status") String status,
                                    @QueryParam("assignee") UUID assignee, @QueryParam("parentTaskId") UUID parentTaskId,
                                    @QueryParam("teamId") UUID teamId, @QueryParam("label") String label,
                                    @QueryParam("q") String q, @QueryParam("limit") Integer limit,
                                    @QueryParam("cursor") String cursor) {
        caller.requireCompany(companyId);
        PageRequest page = PageRequest.of(limit, cursor);
        return tasks.list(companyId, new TaskService.ListFilter(status, assignee, parentTaskId, teamId, label, q), page)
                .map(p -> new Page<>(p.items().stream().map(TaskView::of).toList(), p.nextCursor()));
    }

    @GET
    @Path("{taskId}")
    @Operation(summary = "Get a task (ETag = version)")
    public Uni<Response> get(@PathParam("companyId") UUID companyId, @PathParam("taskId") UUID taskId) {
        caller.requireCompany(companyId);
        return tasks.get(companyId, taskId).map(t -> Response.ok(TaskView.of(t)).tag(etag(t.version())).build());
    }

    @PATCH
    @Path("{taskId}")
    @Operation(summary = "Edit a task's fields with If-Match; status changes go through actions")
    public Uni<Response> patch(@PathParam("companyId") UUID companyId, @PathParam("taskId") UUID taskId,
                               @HeaderParam("If-Match") String ifMatch, @Valid @NotNull PatchTask body) {
        caller.requireCompany(companyId);
        requireManagerOrBoard();
        long version = version(ifMatch);
        return tasks.patch(companyId, taskId, version, body, caller)
                .map(t -> Response.ok(TaskView.of(t)).tag(etag(t.version())).build());
    }

    @POST
    @Path("{taskId}/actions/{action}")
    @Operation(summary = "Apply a lifecycle action (see GET /api/v1/task-lifecycle); 409 illegal_transition lists the allowed ones")
    public Uni<TaskView> act(@PathParam("companyId") UUID companyId, @PathParam("taskId") UUID taskId,
                             @PathParam("action") String action, @Valid ActionRequest body) {
        caller.requireCompany(companyId);
        caller.requireWrite();
        return actions.act(companyId, taskId, action, body, caller).map(TaskView::of);
    }

    @POST
    @Path("{taskId}/claim")
    @Operation(summary = "Claim this task (work claim, or a review claim that keeps the status)")
    public Uni<TaskApi.ClaimResponse> claim(@PathParam("companyId") UUID companyId, @PathParam("taskId") UUID taskId,
                                            @Valid @NotNull ClaimRequest body) {
        caller.requireCompany(companyId);
        return claims.claimTask(companyId, taskId, body.agentId(), body.leaseSeconds(), caller).map(ClaimResource::answer);
    }

    @POST
    @Path("{taskId}/dependencies")
    @Operation(summary = "Make this task depend on another; 409 dependency_cycle if that would close a cycle")
    public Uni<TaskView> addDependency(@PathParam("companyId") UUID companyId, @PathParam("taskId") UUID taskId,
                                       @Valid @NotNull DependencyRequest body) {
        caller.requireCompany(companyId);
        requireManagerOrBoard();
        return tasks.addDependency(companyId, taskId, body.dependsOnTaskId(), caller).map(TaskView::of);
    }

    @DELETE
    @Path("{taskId}/dependencies/{dependsOnTaskId}")
    @Operation(summary = "Remove a dependency")
    public Uni<TaskView> removeDependency(@PathParam("companyId") UUID companyId, @PathParam("taskId") UUID taskId,
                                          @PathParam("dependsOnTaskId") UUID dependsOn) {
        caller.requireCompany(companyId);
        requireManagerOrBoard();
        return tasks.removeDependency(companyId, taskId, dependsOn, caller).map(TaskView::of);
    }

    @POST
    @Path("{taskId}/comments")
    @Operation(summary = "Comment on a task")
    public Uni<Response> comment(@PathParam("companyId") UUID companyId, @PathParam("taskId") UUID taskId,
                                 @Valid @NotNull CommentRequest body) {
        caller.requireCompany(companyId);
        caller.requireWrite();
        return tasks.comment(companyId, taskId, body.body(), caller).map(c -> Response.status(201).entity(c).build());
    }

    @GET
    @Path("{taskId}/comments")
    @Operation(summary = "A task's comments, oldest first")
    public Uni<Page<CommentView>> comments(@PathParam("companyId") UUID companyId, @PathParam("taskId") UUID taskId,
                                           @QueryParam("limit") Integer limit, @QueryParam("cursor") String cursor) {
        caller.requireCompany(companyId);
        return tasks.comments(companyId, taskId, PageRequest.of(limit, cursor));
    }

    /** Creating and editing tasks is for board keys and agents; viewers only read. */
    private void requireManagerOrBoard() {
        caller.requireWrite();
    }

    static EntityTag etag(long version) {
        return new EntityTag(Long.toString(version));
    }

    static long version(String ifMatch) {
        if (ifMatch == null || ifMatch.isBlank()) {
            throw new ApiException(428, "precondition_required", "Precondition Required", "send If-Match with the ETag of the task");
        }
        try {
            return Long.parseLong(ifMatch.trim().replace("W/", "").replace("\"", ""));
        } catch (NumberFormatException e) {
            throw ApiException.validation("If-Match", "must be the ETag of the task");
        }
    }
}
