package io.companyagents.secrets.crypto;

/**
 * A stored ciphertext or wrapped data key did not verify: it was altered, moved to another row
 * or company, or its KEK version is gone. Carries no key or value material.
 */
public class DecryptionFailedException extends RuntimeException {

    public DecryptionFailedException(String message) {
        super(message, null, false, false);
    }
}
