package io.companyagents.secrets.crypto;

import io.companyagents.platform.problem.ApiException;
import jakarta.enterprise.context.ApplicationScoped;

/** Holds the KEK opened at start, for everything that seals, opens or re-wraps. */
@ApplicationScoped
public class KeyEncryptionKeys {

    private volatile KeyEncryptionKey kek;

    public void use(KeyEncryptionKey opened) {
        this.kek = opened;
    }

    /** The KEK; 503 while the service is still starting. */
    public KeyEncryptionKey current() {
        KeyEncryptionKey k = kek;
        if (k == null) {
            throw new ApiException(503, "keys_unavailable", "Service Unavailable",
                    "the key-encryption key is not loaded yet");
        }
        return k;
    }
}
