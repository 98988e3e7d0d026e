package io.companyagents.secrets.crypto;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import jakarta.enterprise.context.ApplicationScoped;

import java.security.GeneralSecurityException;

/**
 * Envelope encryption with Tink: every secret version gets a fresh AES-256-GCM data key; the
 * value is encrypted with it, and the data key (a Tink keyset) is wrapped by the KEK. Both
 * layers bind the {@link AssociatedData} of their row. Plain Java, no CDI state: the KEK is
 * passed in.
 */
@ApplicationScoped
public class EnvelopeCrypto {

    static {
        try {
            AeadConfig.register();
        } catch (GeneralSecurityException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Encrypts a value under a new data key wrapped by the KEK's primary version. */
    public SealedValue seal(KeyEncryptionKey kek, byte[] plaintext, AssociatedData ad) {
        try {
            KeysetHandle dataKey = KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM);
            byte[] ciphertext = dataKey.getPrimitive(RegistryConfiguration.get(), Aead.class)
                    .encrypt(plaintext, ad.forValue());
            KeyEncryptionKey.Wrapping wrapping = kek.primary();
            byte[] wrapped = TinkProtoKeysetFormat.serializeEncryptedKeyset(dataKey, wrapping.aead(), ad.forDataKey());
            return new SealedValue(ciphertext, wrapped, wrapping.version());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("sealing a secret value failed: " + e.getClass().getSimpleName());
        }
    }

    /** Decrypts a sealed value; fails cleanly if anything was altered, moved, or its KEK version is gone. */
    public byte[] open(KeyEncryptionKey kek, SealedValue sealed, AssociatedData ad) {
        KeysetHandle dataKey = unwrap(kek, sealed.wrappedDataKey(), sealed.kekVersion(), ad);
        try {
            return dataKey.getPrimitive(RegistryConfiguration.get(), Aead.class).decrypt(sealed.ciphertext(), ad.forValue());
        } catch (GeneralSecurityException e) {
            throw new DecryptionFailedException("the ciphertext of " + describe(ad) + " does not verify");
        }
    }

    /** Wraps a version's data key again with the KEK's primary version; the value's ciphertext is untouched. */
    public SealedValue rewrap(KeyEncryptionKey kek, SealedValue sealed, AssociatedData ad) {
        KeysetHandle dataKey = unwrap(kek, sealed.wrappedDataKey(), sealed.kekVersion(), ad);
        try {
            KeyEncryptionKey.Wrapping wrapping = kek.primary();
            byte[] wrapped = TinkProtoKeysetFormat.serializeEncryptedKeyset(dataKey, wrapping.aead(), ad.forDataKey());
            return new SealedValue(sealed.ciphertext(), wrapped, wrapping.version());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("re-wrapping a data key failed: " + e.getClass().getSimpleName());
        }
    }

    private static KeysetHandle unwrap(KeyEncryptionKey kek, byte[] wrapped, int kekVersion, AssociatedData ad) {
        if (!kek.versions().contains(kekVersion)) {
            throw new DecryptionFailedException("the data key of " + describe(ad) + " was wrapped by KEK version "
                    + kekVersion + ", which " + kek.source() + " does not hold");
        }
        try {
            return TinkProtoKeysetFormat.parseEncryptedKeyset(wrapped, kek.unwrapping(), ad.forDataKey());
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new DecryptionFailedException("the wrapped data key of " + describe(ad) + " does not verify");
        }
    }

    private static String describe(AssociatedData ad) {
        return "secret " + ad.secretId() + " version " + ad.version();
    }
}
