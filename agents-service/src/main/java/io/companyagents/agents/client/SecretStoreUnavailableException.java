package io.companyagents.agents.client;

/** The secret store failed on its side (a 5xx). */
public class SecretStoreUnavailableException extends RuntimeException {

    public SecretStoreUnavailableException(int status) {
        super("secrets-service failed with " + status, null, false, false);
    }
}
