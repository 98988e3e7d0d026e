package io.companyagents.agents.rest;

import io.companyagents.agents.domain.Team;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

import java.time.OffsetDateTime;
import java.util.UUID;

/** Request and response shapes of the team endpoints. */
public final class TeamApi {

    private TeamApi() {
    }

    public record CreateTeam(
            @NotBlank @Size(max = 200) String name,
            @Size(max = 4000) String description,
            UUID leadAgentId) {
    }

    /** PATCH body (merge patch); {@code leadAgentId: null} removes the lead. */
    public record UpdateTeam(
            @NotBlank @Size(max = 200) String name,
            @Size(max = 4000) String description,
            UUID leadAgentId) {
    }

    public record TeamView(UUID id, String name, String description, UUID leadAgentId, OffsetDateTime createdAt,
                           long version) {

        public static TeamView of(Team t) {
            return new TeamView(t.id, t.name, t.description, t.leadAgentId, t.createdAt, t.version);
        }
    }
}
