package io.companyagents.secrets.crypto;

/**
 * The key-encryption key, or a version of it that stored data needs, is not there. Thrown at
 * start with a one-line message (no stack trace): the service refuses to run rather than
 * answer errors for every secret, or worse, create a fresh key beside data it cannot read.
 */
public class KeyUnavailableException extends RuntimeException {

    public KeyUnavailableException(String message) {
        super(message, null, false, false);
    }
}
