package io.companyagents.platform.events;

import java.util.Arrays;
import java.util.Optional;

/**
 * The event type catalogue: every type any service publishes, the topic it goes to and the
 * payload record that describes its {@code data}.
 */
public enum EventType {
    COMPANY_CREATED("company.created", Topics.AGENTS, EventPayloads.CompanyChanged.class),
    COMPANY_UPDATED("company.updated", Topics.AGENTS, EventPayloads.CompanyChanged.class);

    public static final String PREFIX = "io.companyagents.";

    private final String type;
    private final String topic;
    private final Class<? extends Record> payload;

    EventType(String shortType, String topic, Class<? extends Record> payload) {
        this.type = PREFIX + shortType;
        this.topic = topic;
        this.payload = payload;
    }

    /** The CloudEvents {@code type}, e.g. {@code io.companyagents.company.created}. */
    public String type() {
        return type;
    }

    public String topic() {
        return topic;
    }

    public Class<? extends Record> payload() {
        return payload;
    }

    public static Optional<EventType> of(String type) {
        return Arrays.stream(values()).filter(t -> t.type.equals(type)).findFirst();
    }
}
