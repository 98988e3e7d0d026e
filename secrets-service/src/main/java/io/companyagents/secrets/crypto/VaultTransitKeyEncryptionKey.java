package io.companyagents.secrets.crypto;

import com.google.crypto.tink.Aead;
import io.quarkus.vault.VaultTransitSecretEngine;
import io.quarkus.vault.transit.ClearData;
import io.quarkus.vault.transit.EncryptionRequest;
import io.quarkus.vault.transit.KeyCreationRequestDetail;
import io.quarkus.vault.transit.VaultTransitKeyDetail;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The {@code vault} KEK: a Vault / OpenBao Transit key. Vault keeps the key material and its
 * versions; data keys are sent to Transit to be wrapped ({@code vault:vN:...}) and unwrapped.
 * Transit binds no associated data to a non-derived key, so the wrapped plaintext starts with
 * the SHA-256 of the associated data and unwrapping checks it: a wrapped key moved to another
 * row still fails. Blocking calls: used on worker threads only.
 */
public final class VaultTransitKeyEncryptionKey implements KeyEncryptionKey {

    public static final String PROVIDER = "vault";

    private final VaultTransitSecretEngine transit;
    private final String keyName;
    private final Duration cacheTtl;
    private final Clock clock;
    private volatile Versions cached;

    private record Versions(SortedSet<Integer> all, int latest, Instant readAt) {
    }

    public VaultTransitKeyEncryptionKey(VaultTransitSecretEngine transit, String keyName, Duration cacheTtl) {
        this(transit, keyName, cacheTtl, Clock.systemUTC());
    }

    VaultTransitKeyEncryptionKey(VaultTransitSecretEngine transit, String keyName, Duration cacheTtl, Clock clock) {
        this.transit = transit;
        this.keyName = keyName;
        this.cacheTtl = cacheTtl;
        this.clock = clock;
    }

    /** True if Transit holds the key; creates nothing. */
    public boolean exists() {
        return transit.readKey(keyName).isPresent();
    }

    /** Creates the Transit key (aes256-gcm96, not exportable) when it is not there yet. */
    public void createIfMissing() {
        if (!exists()) {
            transit.createKey(keyName, new KeyCreationRequestDetail().setType("aes256-gcm96").setExportable(false));
        }
        cached = null;
    }

    @Override
    public String provider() {
        return PROVIDER;
    }

    @Override
    public String source() {
        return "Vault Transit key '" + keyName + "'";
    }

    @Override
    public SortedSet<Integer> versions() {
        return read().all();
    }

    /** Transit's newest version: Vault, not this replica, decides which version is primary. */
    @Override
    public Wrapping primary() {
        int latest = read().latest();
        return new Wrapping(latest, new TransitAead(latest));
    }

    @Override
    public Aead unwrapping() {
        return new TransitAead(null);
    }

    /** Transit always encrypts with its newest version; this only checks the version is there. */
    @Override
    public void usePrimary(int version) {
        if (!read().all().contains(version)) {
            throw new KeyUnavailableException("KEK version " + version + " is not in " + source());
        }
    }

    @Override
    public boolean rotatable() {
        return true;
    }

    @Override
    public int rotate(int atLeast) {
        transit.rotateKey(keyName);
        cached = null;
        return read().latest();
    }

    private Versions read() {
        Versions v = cached;
        if (v != null && v.readAt().plus(cacheTtl).isAfter(clock.instant())) {
            return v;
        }
        Optional<VaultTransitKeyDetail<?>> detail = transit.readKey(keyName);
        if (detail.isEmpty()) {
            throw new KeyUnavailableException(source() + " does not exist");
        }
        SortedSet<Integer> all = new TreeSet<>();
        detail.get().getKeys().keySet().forEach(k -> all.add(Integer.valueOf(k)));
        v = new Versions(Collections.unmodifiableSortedSet(all), detail.get().getLatestVersion(), clock.instant());
        cached = v;
        return v;
    }

    /** Transit as a Tink {@link Aead}, so Tink can wrap keysets with it like with a local key. */
    private final class TransitAead implements Aead {
        private final Integer version;

        TransitAead(Integer version) {
            this.version = version;
        }

        @Override
        public byte[] encrypt(byte[] plaintext, byte[] associatedData) {
            byte[] bound = concat(digest(associatedData), plaintext);
            try {
                EncryptionRequest request = new EncryptionRequest(new ClearData(bound), version);
                return transit.encrypt(keyName, List.of(request)).get(request).getBytes(StandardCharsets.US_ASCII);
            } finally {
                Arrays.fill(bound, (byte) 0);
            }
        }

        @Override
        public byte[] decrypt(byte[] ciphertext, byte[] associatedData) throws GeneralSecurityException {
            byte[] bound;
            try {
                bound = transit.decrypt(keyName, new String(ciphertext, StandardCharsets.US_ASCII)).getValue();
            } catch (RuntimeException e) {
                throw new GeneralSecurityException("Transit could not unwrap: " + e.getClass().getSimpleName());
            }
            byte[] expected = digest(associatedData);
            if (bound.length < expected.length
                    || !MessageDigest.isEqual(expected, Arrays.copyOf(bound, expected.length))) {
                Arrays.fill(bound, (byte) 0);
                throw new GeneralSecurityException("associated data does not match");
            }
            byte[] plaintext = Arrays.copyOfRange(bound, expected.length, bound.length);
            Arrays.fill(bound, (byte) 0);
            return plaintext;
        }
    }

    private static byte[] digest(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data == null ? new byte[0] : data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
