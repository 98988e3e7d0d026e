package io.companyagents.audit.service;

/** An event that can never be appended, however often it is retried: it goes to the dead-letter topic. */
public class PoisonEventException extends RuntimeException {
    public PoisonEventException(String reason) {
        super(reason, null, false, false);
    }
}
