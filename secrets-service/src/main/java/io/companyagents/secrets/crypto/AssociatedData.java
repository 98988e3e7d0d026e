package io.companyagents.secrets.crypto;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * What a ciphertext is bound to: one version of one secret of one company. Both the value's
 * ciphertext and its wrapped data key carry it as AEAD associated data, so a ciphertext or a
 * wrapped key copied to another row, secret or company fails to decrypt instead of answering
 * someone else's value.
 */
public record AssociatedData(UUID companyId, UUID secretId, int version) {

    public AssociatedData {
        if (companyId == null || secretId == null || version < 1) {
            throw new IllegalArgumentException("associated data needs a company, a secret and a version >= 1");
        }
    }

    /** Bound into the value's ciphertext. */
    public byte[] forValue() {
        return encode("ca-secret-value/v1");
    }

    /** Bound into the wrapped data key (a different context, so neither can stand in for the other). */
    public byte[] forDataKey() {
        return encode("ca-secret-data-key/v1");
    }

    private byte[] encode(String context) {
        return (context + "|company=" + companyId + "|secret=" + secretId + "|version=" + version)
                .getBytes(StandardCharsets.UTF_8);
    }
}
