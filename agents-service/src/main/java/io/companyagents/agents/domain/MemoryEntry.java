package io.companyagents.agents.domain;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** One memory entry. Its full-text vector is a generated column the database keeps. */
@Entity
@Table(name = "memory_entries")
public class MemoryEntry extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(name = "company_id")
    public UUID companyId;

    @Column(name = "scope_id")
    public UUID scopeId;

    public String content;

    @JdbcTypeCode(SqlTypes.ARRAY)
    public List<String> tags;

    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, Object> metadata;

    @JdbcTypeCode(SqlTypes.ARRAY)
    public float[] embedding;

    @Column(name = "created_by_type")
    public String createdByType;

    @Column(name = "created_by")
    public String createdBy;

    /** The run (tasks-service) the entry was written in, when the writer said so. */
    @Column(name = "run_id")
    public UUID runId;

    @Column(name = "created_at")
    public OffsetDateTime createdAt;
}
