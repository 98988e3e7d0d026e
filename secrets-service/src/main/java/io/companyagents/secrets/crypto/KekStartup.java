package io.companyagents.secrets.crypto;

import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Opens the KEK at start against what the database says it needs. A missing key, or a key that
 * lacks a version stored data was wrapped with, stops the service with one clear line; a key is
 * created only when no stored data could need another one.
 */
public final class KekStartup {

    private KekStartup() {
    }

    /**
     * What the database knows about keys: the KEK versions live data keys are wrapped with, how
     * many live data keys there are, the primary version in the key metadata, and the highest
     * version number it has ever recorded.
     */
    public record Stored(SortedSet<Integer> inUse, long liveDataKeys, OptionalInt primary, int highestVersion) {

        public static Stored empty() {
            return new Stored(new TreeSet<>(), 0, OptionalInt.empty(), 0);
        }
    }

    /** The local KEK: the environment's, else the key file's, else a new key file if nothing needs an old key. */
    public static KeyEncryptionKey openLocal(Optional<String> environmentKey, Path keyFile, Stored stored) {
        Optional<LocalKeyEncryptionKey> found = LocalKeyEncryptionKey.open(environmentKey, keyFile);
        KeyEncryptionKey kek;
        if (found.isPresent()) {
            kek = found.get();
        } else {
            if (stored.liveDataKeys() > 0) {
                throw missing(stored, LocalKeyEncryptionKey.ENV + " is not set and key file " + keyFile
                        + " does not exist");
            }
            kek = LocalKeyEncryptionKey.create(keyFile, stored.highestVersion() + 1);
        }
        return checked(kek, stored);
    }

    /** The Vault KEK: the Transit key, created only if nothing stored needs an existing one. */
    public static KeyEncryptionKey openVault(VaultTransitKeyEncryptionKey vault, Stored stored) {
        if (!vault.exists()) {
            if (stored.liveDataKeys() > 0) {
                throw missing(stored, vault.source() + " does not exist");
            }
            vault.createIfMissing();
        }
        return checked(vault, stored);
    }

    /** Every version stored data needs must be held; the database's primary becomes the primary if held. */
    static KeyEncryptionKey checked(KeyEncryptionKey kek, Stored stored) {
        SortedSet<Integer> absent = new TreeSet<>(stored.inUse());
        absent.removeAll(kek.versions());
        if (!absent.isEmpty()) {
            throw new KeyUnavailableException("secrets-service refuses to start: stored secrets need KEK version(s) "
                    + absent + " but " + kek.source() + " holds only " + kek.versions()
                    + "; restore the key material that holds them and start again");
        }
        stored.primary().ifPresent(primary -> {
            if (kek.versions().contains(primary)) {
                kek.usePrimary(primary);
            }
        });
        return kek;
    }

    private static KeyUnavailableException missing(Stored stored, String why) {
        return new KeyUnavailableException("secrets-service refuses to start: " + stored.liveDataKeys()
                + " stored secret version(s) are encrypted under KEK version(s) " + stored.inUse()
                + " but no key-encryption key was found (" + why + "); restore the master key and start again");
    }
}
