package io.companyagents.platform.events;

import java.util.UUID;

/**
 * What a service hands to the outbox: the type, the company it belongs to, who did it, what it
 * is about, and the payload record. The outbox turns it into a {@link CloudEvent}.
 */
public record DomainEvent(EventType type, UUID companyId, String actorType, String actorId,
                          String subjectType, String subjectId, Record payload) {

    public DomainEvent {
        if (!type.payload().isInstance(payload)) {
            throw new IllegalArgumentException(type.type() + " carries " + type.payload().getSimpleName()
                    + ", not " + payload.getClass().getSimpleName());
        }
    }
}
