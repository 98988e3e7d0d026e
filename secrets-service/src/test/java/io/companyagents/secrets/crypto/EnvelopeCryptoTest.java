package io.companyagents.secrets.crypto;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The envelope on its own: no CDI, no database. */
class EnvelopeCryptoTest {

    private static final byte[] VALUE = "correct horse battery staple".getBytes(StandardCharsets.UTF_8);

    private final EnvelopeCrypto crypto = new EnvelopeCrypto();
    private final UUID company = UUID.randomUUID();
    private final UUID secret = UUID.randomUUID();

    @TempDir
    Path dir;

    private KeyEncryptionKey kek(String name) {
        return LocalKeyEncryptionKey.create(dir.resolve(name), 1);
    }

    @Test
    void aSealedValueOpensForItsOwnRowOnly() {
        KeyEncryptionKey kek = kek("a.key");
        AssociatedData row = new AssociatedData(company, secret, 1);
        SealedValue sealed = crypto.seal(kek, VALUE, row);

        assertArrayEquals(VALUE, crypto.open(kek, sealed, row));
        assertThrows(DecryptionFailedException.class,
                () -> crypto.open(kek, sealed, new AssociatedData(UUID.randomUUID(), secret, 1)), "another company");
        assertThrows(DecryptionFailedException.class,
                () -> crypto.open(kek, sealed, new AssociatedData(company, UUID.randomUUID(), 1)), "another secret");
        assertThrows(DecryptionFailedException.class,
                () -> crypto.open(kek, sealed, new AssociatedData(company, secret, 2)), "another version");
    }

    @Test
    void aCiphertextPairedWithAnotherRowsDataKeyFailsToDecrypt() {
        KeyEncryptionKey kek = kek("a.key");
        AssociatedData rowA = new AssociatedData(company, secret, 1);
        AssociatedData rowB = new AssociatedData(company, UUID.randomUUID(), 1);
        SealedValue a = crypto.seal(kek, VALUE, rowA);
        SealedValue b = crypto.seal(kek, "other".getBytes(StandardCharsets.UTF_8), rowB);

        // A's ciphertext moved into B's row, with B's (valid) data key
        assertThrows(DecryptionFailedException.class,
                () -> crypto.open(kek, new SealedValue(a.ciphertext(), b.wrappedDataKey(), b.kekVersion()), rowB));
        // A's whole envelope moved into B's row
        assertThrows(DecryptionFailedException.class, () -> crypto.open(kek, a, rowB));
        // B's data key moved into A's row
        assertThrows(DecryptionFailedException.class,
                () -> crypto.open(kek, new SealedValue(a.ciphertext(), b.wrappedDataKey(), b.kekVersion()), rowA));
    }

    @Test
    void aSingleAlteredByteIsDetected() {
        KeyEncryptionKey kek = kek("a.key");
        AssociatedData row = new AssociatedData(company, secret, 1);
        SealedValue sealed = crypto.seal(kek, VALUE, row);
        byte[] ciphertext = sealed.ciphertext().clone();
        ciphertext[ciphertext.length - 1] ^= 1;
        byte[] wrapped = sealed.wrappedDataKey().clone();
        wrapped[wrapped.length / 2] ^= 1;

        assertThrows(DecryptionFailedException.class,
                () -> crypto.open(kek, new SealedValue(ciphertext, sealed.wrappedDataKey(), 1), row));
        assertThrows(DecryptionFailedException.class,
                () -> crypto.open(kek, new SealedValue(sealed.ciphertext(), wrapped, 1), row));
    }

    @Test
    void everyVersionGetsItsOwnDataKeyAndNoPlaintextShowsInTheSealedForm() {
        KeyEncryptionKey kek = kek("a.key");
        SealedValue one = crypto.seal(kek, VALUE, new AssociatedData(company, secret, 1));
        SealedValue two = crypto.seal(kek, VALUE, new AssociatedData(company, secret, 1));

        assertFalse(Arrays.equals(one.ciphertext(), two.ciphertext()));
        assertFalse(Arrays.equals(one.wrappedDataKey(), two.wrappedDataKey()));
        String hex = HexFormat.of().formatHex(one.ciphertext()) + HexFormat.of().formatHex(one.wrappedDataKey());
        assertFalse(hex.contains(HexFormat.of().formatHex(VALUE)));
        assertFalse(one.toString().contains("horse"));
    }

    @Test
    void aDataKeyFromAnotherKekOrAVersionItDoesNotHoldFailsCleanly() {
        KeyEncryptionKey mine = kek("mine.key");
        KeyEncryptionKey other = kek("other.key");
        AssociatedData row = new AssociatedData(company, secret, 1);
        SealedValue sealed = crypto.seal(mine, VALUE, row);

        assertThrows(DecryptionFailedException.class, () -> crypto.open(other, sealed, row));
        DecryptionFailedException missing = assertThrows(DecryptionFailedException.class,
                () -> crypto.open(mine, new SealedValue(sealed.ciphertext(), sealed.wrappedDataKey(), 7), row));
        assertTrue(missing.getMessage().contains("version 7"), missing.getMessage());
    }

    @Test
    void rewrappingMovesOnlyTheDataKeyToTheNewPrimaryAndOldVersionsStillOpen() {
        KeyEncryptionKey kek = kek("a.key");
        AssociatedData row = new AssociatedData(company, secret, 3);
        SealedValue before = crypto.seal(kek, VALUE, row);
        assertEquals(1, before.kekVersion());

        assertEquals(2, kek.rotate(2));
        SealedValue after = crypto.rewrap(kek, before, row);

        assertEquals(2, after.kekVersion());
        assertArrayEquals(before.ciphertext(), after.ciphertext(), "the value's ciphertext is untouched");
        assertArrayEquals(VALUE, crypto.open(kek, after, row));
        assertArrayEquals(VALUE, crypto.open(kek, before, row), "version 1 still unwraps until re-wrapped");
        assertThrows(DecryptionFailedException.class,
                () -> crypto.rewrap(kek, before, new AssociatedData(company, secret, 4)));
    }
}
