package io.companyagents.secrets.rest;

import io.companyagents.platform.identity.Caller;
import io.companyagents.secrets.rest.SecretApi.KeyStatusView;
import io.companyagents.secrets.service.Access;
import io.companyagents.secrets.service.KeyRotationService;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/admin/keys")
@Tag(name = "Keys", description = "The key-encryption key: version metadata and rotation (admin only)")
public class KeyAdminResource {

    @Inject
    KeyRotationService rotations;

    @Inject
    Caller caller;

    @POST
    @Path("rotate")
    @Operation(summary = "Add a KEK version and re-wrap every data key with it in the background",
            description = "202 with the rotation's progress. Resumable: progress is committed per batch and a restart goes on from there. Old versions keep decrypting until re-wrapped. 409 rotation_in_progress while one runs; 409 kek_not_rotatable when the key comes from COMPANY_AGENTS_MASTER_KEY.")
    public Uni<Response> rotate() {
        caller.requireAdmin();
        return rotations.rotate(Access.actor(caller))
                .map(status -> Response.accepted(KeyStatusView.of(status)).build());
    }

    @GET
    @Path("rotation")
    @Operation(summary = "The KEK's versions and the latest rotation's progress")
    public Uni<KeyStatusView> rotation() {
        caller.requireAdmin();
        return rotations.status().map(KeyStatusView::of);
    }
}
