package io.companyagents.agents.rest;

import io.companyagents.agents.domain.Company;
import io.companyagents.agents.domain.CompanyStatus;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.OffsetDateTime;
import java.util.UUID;

/** Request and response shapes of the company endpoints. */
public final class CompanyApi {

    private CompanyApi() {
    }

    public record CreateCompany(
            @NotBlank @Size(max = 200) String name,
            @Size(min = 2, max = 64) @Pattern(regexp = "[a-z0-9][a-z0-9-]*", message = "lowercase letters, digits and dashes") String slug,
            @Size(max = 4000) String description,
            @Pattern(regexp = "none|pm|qa|full", message = "one of none, pm, qa, full") String defaultReviewPolicy,
            @Schema(description = "new agents wait for a hire_agent approval before they work; default false")
            Boolean requireAgentApproval) {
    }

    /** PATCH body (merge patch): absent members stay as they are; id, slug, createdAt and version are read-only. */
    public record UpdateCompany(
            @NotBlank @Size(max = 200) String name,
            @Size(max = 4000) String description,
            @NotNull CompanyStatus status,
            @NotNull @Pattern(regexp = "none|pm|qa|full", message = "one of none, pm, qa, full") String defaultReviewPolicy,
            @Schema(description = "new agents wait for a hire_agent approval before they work")
            @NotNull Boolean requireAgentApproval) {
    }

    public record CompanyView(UUID id, String name, String slug, String description, CompanyStatus status,
                              String defaultReviewPolicy, boolean requireAgentApproval, OffsetDateTime createdAt,
                              long version) {

        public static CompanyView of(Company c) {
            return new CompanyView(c.id, c.name, c.slug, c.description, c.status, c.defaultReviewPolicy,
                    c.requireAgentApproval, c.createdAt, c.version);
        }
    }
}
