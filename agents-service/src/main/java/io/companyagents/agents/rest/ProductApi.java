package io.companyagents.agents.rest;

import io.companyagents.agents.domain.Product;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.OffsetDateTime;
import java.util.Map;
import java.util.UUID;

/** Request and response shapes of products. */
public final class ProductApi {

    static final int MAX_TEAMS = 100;

    private ProductApi() {
    }

    public record CreateProduct(
            @NotBlank @Size(max = 200) String name,
            @Size(max = 4000) String description,
            @Schema(description = "team id → the project that team builds the product in; teams and projects of this company")
            @Size(max = MAX_TEAMS) Map<UUID, UUID> projects) {
    }

    /**
     * PATCH body (merge patch, RFC 7396 down into the map): a team mapped to a project sets it,
     * a team mapped to {@code null} leaves the map, teams not named stay; {@code projects: null}
     * empties the map.
     */
    public record UpdateProduct(
            @NotBlank @Size(max = 200) String name,
            @Size(max = 4000) String description,
            @Schema(description = "team id → project id to set, or → null to take the team out")
            @Size(max = MAX_TEAMS) Map<UUID, UUID> projects) {
    }

    public record ProductView(UUID id, String name, String description, Map<UUID, UUID> projects,
                              OffsetDateTime createdAt, OffsetDateTime updatedAt, long version) {

        public static ProductView of(Product p) {
            return new ProductView(p.id, p.name, p.description, p.projects, p.createdAt, p.updatedAt, p.version);
        }
    }
}
