package io.companyagents.agents.domain;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;
import java.util.UUID;

@Entity
@Table(name = "memory_scopes")
public class MemoryScope extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(name = "company_id")
    public UUID companyId;

    public String name;

    @Enumerated(EnumType.STRING)
    public MemoryScopeKind kind;

    @Column(name = "owner_id")
    public UUID ownerId;

    /** For a task scope: the agent working the task, the only agent that uses the scope. */
    @Column(name = "owner_agent_id")
    public UUID ownerAgentId;

    @Column(name = "created_at")
    public OffsetDateTime createdAt;
}
