package io.companyagents.ledger.rest;

import io.companyagents.ledger.rest.CostApi.ProviderView;
import io.companyagents.ledger.service.PriceCatalog;
import io.companyagents.platform.identity.Caller;
import io.companyagents.platform.paging.Page;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/providers")
@Tag(name = "Providers")
public class ProviderResource {

    @Inject
    PriceCatalog catalog;

    @Inject
    Caller caller;

    @GET
    @Operation(summary = "Providers and their model prices (micro-dollars per million tokens), as seeded by migrations;"
            + " any authenticated caller")
    public Uni<Page<ProviderView>> list() {
        caller.actorType(); // a token without an actor is refused (401)
        return catalog.providers().map(ps -> new Page<>(ps.stream().map(ProviderView::of).toList(), null));
    }
}
