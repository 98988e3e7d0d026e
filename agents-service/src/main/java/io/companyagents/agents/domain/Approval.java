package io.companyagents.agents.domain;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import java.time.OffsetDateTime;
import java.util.Map;
import java.util.UUID;

@Entity
@Table(name = "approvals")
public class Approval extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(name = "company_id")
    public UUID companyId;

    @Enumerated(EnumType.STRING)
    public ApprovalKind kind;

    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, Object> payload;

    @Enumerated(EnumType.STRING)
    public ApprovalStatus status;

    /** The agent a hire_agent approval decides on, when it was opened for a created agent. */
    @Column(name = "agent_id")
    public UUID agentId;

    @Column(name = "requested_by_type")
    public String requestedByType;

    @Column(name = "requested_by")
    public String requestedBy;

    @Column(name = "decided_by")
    public String decidedBy;

    @Column(name = "decided_at")
    public OffsetDateTime decidedAt;

    @Column(name = "decision_note")
    public String decisionNote;

    @Column(name = "created_at")
    public OffsetDateTime createdAt;

    @Column(name = "updated_at")
    public OffsetDateTime updatedAt;

    @Version
    public long version;
}
