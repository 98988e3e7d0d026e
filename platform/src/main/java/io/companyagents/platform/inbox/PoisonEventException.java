package io.companyagents.platform.inbox;

/**
 * An event a consumer can never apply, however often it is retried (unreadable, or missing what
 * it must carry): it goes to the dead-letter topic instead of being retried.
 */
public class PoisonEventException extends RuntimeException {
    public PoisonEventException(String reason) {
        super(reason, null, false, false);
    }
}
