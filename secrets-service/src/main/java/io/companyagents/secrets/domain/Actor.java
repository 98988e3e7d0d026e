package io.companyagents.secrets.domain;

/** Who did something, as recorded in events and rows. */
public record Actor(String type, String id) {

    public static final Actor SYSTEM = new Actor("system", "secrets-service");
}
