package io.companyagents.agents.repository;

import io.companyagents.agents.domain.ProductProject;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Collection;
import java.util.List;
import java.util.UUID;

@ApplicationScoped
@WithSession
public class ProductProjectRepository implements PanacheRepositoryBase<ProductProject, UUID> {

    /** The map entries of several products at once (a page of them). */
    public Uni<List<ProductProject>> ofProducts(Collection<UUID> productIds) {
        if (productIds.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return list("productId in ?1", productIds);
    }

    /** Stores new map entries; none is nothing to do (Panache refuses an empty batch). */
    public Uni<Void> persistAll(List<ProductProject> rows) {
        return rows.isEmpty() ? Uni.createFrom().voidItem() : persist(rows);
    }

    public Uni<Long> countForTeam(UUID teamId) {
        return count("teamId", teamId);
    }
}
