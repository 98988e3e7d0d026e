package io.companyagents.agents.client;

/** The secret store answered, and said no (a 4xx): retrying will not help, and it is not an outage. */
public class SecretStoreRefusedException extends RuntimeException {

    private final int status;

    public SecretStoreRefusedException(int status) {
        super("secrets-service refused the request with " + status, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
