package io.companyagents.secrets.crypto;

/**
 * One secret version as stored: the value encrypted with its own data key, that data key
 * wrapped by the KEK, and the KEK version that wrapped it. Carries no plaintext; its
 * {@link #toString()} shows sizes only.
 */
public record SealedValue(byte[] ciphertext, byte[] wrappedDataKey, int kekVersion) {

    @Override
    public String toString() {
        return "SealedValue[ciphertext=" + ciphertext.length + " bytes, wrappedDataKey=" + wrappedDataKey.length
                + " bytes, kekVersion=" + kekVersion + "]";
    }
}
