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

/**
 * A connection to an outside system (an issue tracker, a chat, a code host). {@code state} is
 * the syncer's cursor, opaque to us; a sync moves it only from the version it read.
 */
@Entity
@Table(name = "integrations")
public class Integration extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(name = "company_id")
    public UUID companyId;

    public String kind;

    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, Object> config;

    @Enumerated(EnumType.STRING)
    public IntegrationStatus status;

    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, Object> state;

    /** A secret in secrets-service holding the credential; the credential itself is never here. */
    @Column(name = "credential_secret_id")
    public UUID credentialSecretId;

    @Column(name = "created_at")
    public OffsetDateTime createdAt;

    @Column(name = "updated_at")
    public OffsetDateTime updatedAt;

    @Version
    public long version;
}
