package io.companyagents.agents.rest;

import io.companyagents.agents.domain.Project;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/** Request and response shapes of the project endpoints. The git token goes in, never out. */
public final class ProjectApi {

    /** A host, an optional port and an optional path: no user info or query, so no credentials. */
    private static final String HOST = "[A-Za-z0-9.-]+(:\\d{1,5})?(/[^\\s?#]*)?";
    /** https://, ssh:// or git:// URLs, or scp-like {@code git@host:path}; never with credentials in them. */
    static final String GIT_URL = "(https?|git)://" + HOST + "|ssh://([A-Za-z0-9._-]+@)?" + HOST
            + "|[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:[^\\s@]+";
    static final String GIT_URL_MESSAGE = "an https://, ssh:// or git@host:path URL without credentials";
    /** A conservative git branch name. */
    static final String BRANCH = "[A-Za-z0-9][A-Za-z0-9._/-]{0,199}";
    static final String BRANCH_MESSAGE = "a branch name (letters, digits, '.', '_', '/' and '-')";

    private ProjectApi() {
    }

    public record CreateProject(
            @NotBlank @Size(max = 200) String name,
            @Size(max = 2000) @Pattern(regexp = GIT_URL, message = GIT_URL_MESSAGE) String gitUrl,
            @Pattern(regexp = BRANCH, message = BRANCH_MESSAGE) String defaultBranch,
            @Schema(description = "defaults to the default branch")
            @Size(max = 50) List<@NotNull @Pattern(regexp = BRANCH, message = BRANCH_MESSAGE) String> protectedBranches,
            @Schema(description = "write-only: stored in secrets-service, never returned", writeOnly = true)
            @Size(min = 1, max = 4096) @Pattern(regexp = "\\S+", message = "must not contain whitespace") String gitToken,
            UUID teamId) {

        @Override
        public String toString() {
            return "CreateProject[name=" + name + ", gitToken=" + (gitToken == null ? "none" : "***") + "]";
        }
    }

    /** PATCH body (merge patch); {@code gitToken: null} removes the stored token. */
    public record UpdateProject(
            @NotBlank @Size(max = 200) String name,
            @Size(max = 2000) @Pattern(regexp = GIT_URL, message = GIT_URL_MESSAGE) String gitUrl,
            @NotNull @Pattern(regexp = BRANCH, message = BRANCH_MESSAGE) String defaultBranch,
            @NotNull @Size(max = 50) List<@NotNull @Pattern(regexp = BRANCH, message = BRANCH_MESSAGE) String> protectedBranches,
            @Schema(description = "write-only: stored in secrets-service, never returned; null removes it", writeOnly = true)
            @Size(min = 1, max = 4096) @Pattern(regexp = "\\S+", message = "must not contain whitespace") String gitToken,
            UUID teamId) {

        @Override
        public String toString() {
            return "UpdateProject[name=" + name + ", gitToken=" + (gitToken == null ? "none" : "***") + "]";
        }
    }

    public record ProjectView(UUID id, String name, String gitUrl, String defaultBranch, List<String> protectedBranches,
                              boolean hasGitToken, UUID teamId, OffsetDateTime createdAt, long version) {

        public static ProjectView of(Project p) {
            return new ProjectView(p.id, p.name, p.gitUrl, p.defaultBranch, p.protectedBranches, p.hasGitToken,
                    p.teamId, p.createdAt, p.version);
        }
    }
}
