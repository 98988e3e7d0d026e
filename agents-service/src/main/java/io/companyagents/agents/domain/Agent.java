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
import java.util.List;
import java.util.Map;
import java.util.UUID;

@Entity
@Table(name = "agents")
public class Agent extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(name = "company_id")
    public UUID companyId;

    public String name;

    @Column(name = "team_id")
    public UUID teamId;

    public String role;

    public String title;

    @Column(name = "reports_to")
    public UUID reportsTo;

    @Enumerated(EnumType.STRING)
    public AgentStatus status;

    @Column(name = "pause_reason")
    public String pauseReason;

    @Column(name = "adapter_type")
    public String adapterType;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "adapter_config")
    public Map<String, Object> adapterConfig;

    @JdbcTypeCode(SqlTypes.ARRAY)
    public List<String> capabilities;

    @Column(name = "heartbeat_interval_seconds")
    public int heartbeatIntervalSeconds;

    @Column(name = "created_at")
    public OffsetDateTime createdAt;

    @Column(name = "updated_at")
    public OffsetDateTime updatedAt;

    @Version
    public long version;
}
