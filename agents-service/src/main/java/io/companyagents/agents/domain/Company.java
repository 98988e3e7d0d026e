package io.companyagents.agents.domain;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

import java.time.OffsetDateTime;
import java.util.UUID;

@Entity
@Table(name = "companies")
public class Company extends PanacheEntityBase {

    @Id
    public UUID id;

    public String name;

    public String slug;

    public String description;

    @Enumerated(EnumType.STRING)
    public CompanyStatus status;

    @Column(name = "default_review_policy")
    public String defaultReviewPolicy;

    /** New agents start pending_approval and wait for a hire_agent approval. */
    @Column(name = "require_agent_approval")
    public boolean requireAgentApproval;

    @Column(name = "created_at")
    public OffsetDateTime createdAt;

    @Column(name = "updated_at")
    public OffsetDateTime updatedAt;

    @Version
    public long version;
}
