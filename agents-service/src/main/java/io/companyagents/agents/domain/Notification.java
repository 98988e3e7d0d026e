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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

@Entity
@Table(name = "notifications")
public class Notification extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(name = "company_id")
    public UUID companyId;

    public String kind;

    @JdbcTypeCode(SqlTypes.ARRAY)
    public List<UUID> recipients;

    public String title;

    public String body;

    @Column(name = "requires_ack")
    public boolean requiresAck;

    /** When each recipient acknowledged, by agent id (RFC 3339 instants). */
    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, String> acks;

    @Column(name = "created_by_type")
    public String createdByType;

    @Column(name = "created_by")
    public String createdBy;

    @Column(name = "created_at")
    public OffsetDateTime createdAt;

    @Version
    public long version;

    public boolean isRecipient(UUID agentId) {
        return agentId != null && recipients.contains(agentId);
    }

    /** Records the recipient's acknowledgement; a second one keeps the first time. */
    public boolean ack(UUID agentId, OffsetDateTime at) {
        if (acks.containsKey(agentId.toString())) {
            return false;
        }
        Map<String, String> next = new LinkedHashMap<>(acks);
        next.put(agentId.toString(), at.toString());
        acks = next;
        return true;
    }
}
