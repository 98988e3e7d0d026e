package io.companyagents.secrets.crypto;

import com.google.crypto.tink.Aead;

import java.util.SortedSet;

/**
 * The key-encryption key (KEK): wraps and unwraps data keys, never data. It has numbered
 * versions; new data keys are wrapped with the primary one, and every version it still holds
 * unwraps what it wrapped, so a rotation needs no downtime. The key material stays with the
 * provider (a key file, the environment, Vault); the database only learns version numbers.
 */
public interface KeyEncryptionKey {

    /** {@code local} or {@code vault}, recorded with each version's metadata. */
    String provider();

    /** Where the key material lives, for messages; never the material itself. */
    String source();

    /** Every version held, oldest first. */
    SortedSet<Integer> versions();

    /** The primary version and an AEAD that wraps with it, as one consistent snapshot. */
    Wrapping primary();

    /** An AEAD that unwraps what any held version wrapped. */
    Aead unwrapping();

    /** Makes a held version the one new data keys are wrapped with (the database's choice wins at start). */
    void usePrimary(int version);

    /** False when the key material cannot be changed from here (e.g. it comes from the environment). */
    boolean rotatable();

    /**
     * Adds a new version (numbered at least {@code atLeast}), makes it primary and persists it
     * with the key material before anything refers to it; answers its number.
     */
    int rotate(int atLeast);

    /** A version number and the AEAD that wraps with exactly that version. */
    record Wrapping(int version, Aead aead) {
    }
}
