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

/** An agent's journal entry; written once, never changed. */
@Entity
@Table(name = "journal_entries")
public class JournalEntry extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(name = "company_id")
    public UUID companyId;

    @Column(name = "agent_id")
    public UUID agentId;

    @Enumerated(EnumType.STRING)
    public JournalKind kind;

    public String body;

    @Column(name = "task_id")
    public UUID taskId;

    @Column(name = "created_by_type")
    public String createdByType;

    @Column(name = "created_by")
    public String createdBy;

    @Column(name = "created_at")
    public OffsetDateTime createdAt;
}
