package io.companyagents.agents.rest;

import io.companyagents.agents.rest.NotificationApi.CreateNotification;
import io.companyagents.agents.rest.NotificationApi.NotificationView;
import io.companyagents.agents.service.IdempotentCreate;
import io.companyagents.agents.service.NotificationService;
import io.companyagents.platform.paging.Page;
import io.companyagents.platform.paging.PageRequest;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.UUID;

@Path("/api/v1/companies/{companyId}/notifications")
@Tag(name = "Notifications")
public class NotificationResource {

    @Inject
    NotificationService notifications;

    @Inject
    OrgAccess access;

    @Inject
    IdempotentCreate idempotent;

    @POST
    @Operation(summary = "Notify agents (board owner/operator, admin or an agent). Honours Idempotency-Key")
    public Uni<Response> createNotification(@PathParam("companyId") UUID companyId,
                                            @HeaderParam(IdempotentCreate.HEADER) String idempotencyKey,
                                            @Valid @NotNull CreateNotification body) {
        access.contribute(companyId);
        String actorType = access.actorType();
        String actorId = access.actorId();
        return idempotent.create(companyId, idempotencyKey, "/api/v1/companies/" + companyId + "/notifications", body,
                () -> notifications.create(companyId, body, actorType, actorId).map(NotificationView::of));
    }

    @GET
    @Operation(summary = "List notifications in order; recipient= one agent's, unacked=true those not yet acknowledged")
    public Uni<Page<NotificationView>> listNotifications(@PathParam("companyId") UUID companyId,
                                                         @QueryParam("recipient") UUID recipient,
                                                         @QueryParam("unacked") boolean unacked,
                                                         @QueryParam("limit") Integer limit, @QueryParam("cursor") String cursor) {
        access.read(companyId);
        PageRequest page = PageRequest.of(limit, cursor);
        return notifications.list(companyId, recipient, unacked, page)
                .map(p -> new Page<>(p.items().stream().map(NotificationView::of).toList(), p.nextCursor()));
    }

    @GET
    @Path("{notificationId}")
    @Operation(summary = "Get a notification")
    public Uni<NotificationView> getNotification(@PathParam("companyId") UUID companyId,
                                                 @PathParam("notificationId") UUID notificationId) {
        access.read(companyId);
        return notifications.get(companyId, notificationId).map(NotificationView::of);
    }

    @POST
    @Path("{notificationId}/ack")
    @Operation(summary = "Acknowledge a notification: only one of its recipients, with its own agent key (others 403)")
    public Uni<NotificationView> ackNotification(@PathParam("companyId") UUID companyId,
                                                 @PathParam("notificationId") UUID notificationId) {
        UUID agent = access.callingAgent(companyId, "only a recipient may acknowledge this notification");
        return notifications.ack(companyId, notificationId, agent).map(NotificationView::of);
    }
}
