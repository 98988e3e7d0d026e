package io.companyagents.agents.domain;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/** A project's git settings. The git token is not here: it lives in secrets-service. */
@Entity
@Table(name = "projects")
public class Project extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(name = "company_id")
    public UUID companyId;

    public String name;

    @Column(name = "git_url")
    public String gitUrl;

    @Column(name = "default_branch")
    public String defaultBranch;

    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(name = "protected_branches")
    public List<String> protectedBranches;

    @Column(name = "team_id")
    public UUID teamId;

    @Column(name = "has_git_token")
    public boolean hasGitToken;

    @Column(name = "created_at")
    public OffsetDateTime createdAt;

    @Column(name = "updated_at")
    public OffsetDateTime updatedAt;

    @Version
    public long version;
}
