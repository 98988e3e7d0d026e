package io.companyagents.secrets.service;

import io.companyagents.platform.events.DomainEvent;
import io.companyagents.platform.events.EventPayloads;
import io.companyagents.platform.events.EventType;
import io.companyagents.secrets.domain.Actor;
import io.companyagents.secrets.domain.KeyRotation;
import io.companyagents.secrets.domain.Secret;

import java.util.UUID;

/** The events secrets-service publishes on {@code ca.secrets.v1}. None carries a value or key material. */
final class SecretEvents {

    /** KEK rotations belong to no company; they go on the system chain (the nil UUID), as audit-service files them. */
    static final UUID SYSTEM_COMPANY = new UUID(0, 0);

    private SecretEvents() {
    }

    static DomainEvent changed(EventType type, Secret s, Actor actor) {
        return new DomainEvent(type, s.companyId(), actor.type(), actor.id(), "secret", s.id().toString(),
                new EventPayloads.SecretChanged(s.id(), s.name(), s.description(), s.kind().name(), s.currentVersion(),
                        s.createdAt(), s.updatedAt(), s.deletedAt(), s.destroyedAt()));
    }

    static DomainEvent revealed(Secret s, int version, String reason, Actor actor) {
        return new DomainEvent(EventType.SECRET_REVEALED, s.companyId(), actor.type(), actor.id(), "secret",
                s.id().toString(), new EventPayloads.SecretRevealed(s.id(), s.name(), version, reason));
    }

    static DomainEvent grant(EventType type, Secret s, UUID agentId, Actor actor) {
        return new DomainEvent(type, s.companyId(), actor.type(), actor.id(), "secret", s.id().toString(),
                new EventPayloads.SecretGrantChanged(s.id(), s.name(), agentId));
    }

    static DomainEvent rotation(EventType type, KeyRotation r, Actor actor) {
        return new DomainEvent(type, SYSTEM_COMPANY, actor.type(), actor.id(), "kek_rotation", r.id().toString(),
                new EventPayloads.KekRotationChanged(r.id(), r.provider(), r.fromVersion(), r.toVersion(), r.total(),
                        r.rewrapped(), r.skipped()));
    }
}
