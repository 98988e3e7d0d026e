package io.companyagents.secrets.crypto;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeSet;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The local KEK and the start-up rules, on files in a temp directory. */
class LocalKeyEncryptionKeyTest {

    private static final byte[] VALUE = "s3cr3t".getBytes(StandardCharsets.UTF_8);
    private final EnvelopeCrypto crypto = new EnvelopeCrypto();
    private final AssociatedData row = new AssociatedData(UUID.randomUUID(), UUID.randomUUID(), 1);

    @TempDir
    Path dir;

    private static KekStartup.Stored stored(List<Integer> inUse, long live, Integer primary, int highest) {
        return new KekStartup.Stored(new TreeSet<>(inUse), live,
                primary == null ? OptionalInt.empty() : OptionalInt.of(primary), highest);
    }

    @Test
    void theFirstStartCreatesAnOwnerOnlyKeyFileHoldingVersionOne() throws Exception {
        Path file = dir.resolve("secrets/master.key");
        KeyEncryptionKey kek = KekStartup.openLocal(Optional.empty(), file, KekStartup.Stored.empty());

        assertTrue(Files.exists(file));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())));
        assertEquals(List.of(1), List.copyOf(kek.versions()));
        assertEquals(1, kek.primary().version());
        assertTrue(kek.rotatable());
    }

    @Test
    void aRotationIsPersistedWithEveryOldVersionBesideIt() {
        Path file = dir.resolve("master.key");
        KeyEncryptionKey kek = LocalKeyEncryptionKey.create(file, 1);
        SealedValue sealed = crypto.seal(kek, VALUE, row);
        assertEquals(2, kek.rotate(0));
        assertEquals(5, kek.rotate(5), "never below a version the database has recorded");

        KeyEncryptionKey reopened = LocalKeyEncryptionKey.fromFile(file);
        assertEquals(List.of(1, 2, 5), List.copyOf(reopened.versions()));
        assertEquals(5, reopened.primary().version());
        assertArrayEquals(VALUE, crypto.open(reopened, sealed, row));
    }

    @Test
    void anEnvironmentKeyOfThirtyTwoRawBytesIsVersionOneAndIsNotRotatable() {
        byte[] raw = new byte[32];
        new SecureRandom().nextBytes(raw);
        String env = Base64.getEncoder().encodeToString(raw);
        KeyEncryptionKey kek = KekStartup.openLocal(Optional.of(env), dir.resolve("unused.key"), KekStartup.Stored.empty());

        assertEquals(List.of(1), List.copyOf(kek.versions()));
        assertFalse(kek.rotatable());
        assertFalse(Files.exists(dir.resolve("unused.key")), "the environment's key wins; no file is written");
        SealedValue sealed = crypto.seal(kek, VALUE, row);
        KeyEncryptionKey sameKeyAgain = LocalKeyEncryptionKey.fromEnvironment(env);
        assertArrayEquals(VALUE, crypto.open(sameKeyAgain, sealed, row));
        assertThrows(IllegalStateException.class, () -> kek.rotate(2));
    }

    @Test
    void anEnvironmentKeyMayBeATinkKeysetWithSeveralVersions() throws Exception {
        KeysetHandle keyset = KeysetHandle.newBuilder()
                .addEntry(KeysetHandle.generateEntryFromParameters(PredefinedAeadParameters.AES256_GCM).withFixedId(1))
                .addEntry(KeysetHandle.generateEntryFromParameters(PredefinedAeadParameters.AES256_GCM).withFixedId(2)
                        .makePrimary())
                .build();
        String json = TinkJsonProtoKeysetFormat.serializeKeyset(keyset, InsecureSecretKeyAccess.get());
        KeyEncryptionKey kek = LocalKeyEncryptionKey.fromEnvironment(
                Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8)));

        assertEquals(List.of(1, 2), List.copyOf(kek.versions()));
        assertEquals(2, kek.primary().version());
    }

    @Test
    void aMalformedEnvironmentKeyIsRefusedWithoutEchoingIt() {
        String garbage = Base64.getEncoder().encodeToString("definitely-not-a-key-0123456789".getBytes(StandardCharsets.UTF_8));
        KeyUnavailableException e = assertThrows(KeyUnavailableException.class,
                () -> LocalKeyEncryptionKey.fromEnvironment(garbage));
        assertFalse(e.getMessage().contains(garbage));
        assertThrows(KeyUnavailableException.class, () -> LocalKeyEncryptionKey.fromEnvironment("%%% not base64 %%%"));
    }

    @Test
    void theServiceRefusesToStartWhenDataExistsButNoKeyIsFound() {
        Path file = dir.resolve("master.key");
        KeyUnavailableException e = assertThrows(KeyUnavailableException.class,
                () -> KekStartup.openLocal(Optional.empty(), file, stored(List.of(1, 2), 42, 2, 2)));

        assertTrue(e.getMessage().startsWith("secrets-service refuses to start"), e.getMessage());
        assertTrue(e.getMessage().contains("42 stored secret version(s)") && e.getMessage().contains("[1, 2]"));
        assertFalse(e.getMessage().contains("\n"), "one line");
        assertEquals(0, e.getStackTrace().length, "no stack trace to wade through");
        assertFalse(Files.exists(file), "no fresh key is created beside data it cannot read");
    }

    @Test
    void theServiceRefusesToStartWhenTheKeyLacksAVersionStoredDataNeeds() {
        Path file = dir.resolve("master.key");
        LocalKeyEncryptionKey.create(file, 1);
        KeyUnavailableException e = assertThrows(KeyUnavailableException.class,
                () -> KekStartup.openLocal(Optional.empty(), file, stored(List.of(1, 3), 5, 3, 3)));
        assertTrue(e.getMessage().contains("[3]"), e.getMessage());
    }

    @Test
    void aNewKeyContinuesTheRecordedVersionNumbersWhenNoDataNeedsTheOldOne() {
        KeyEncryptionKey kek = KekStartup.openLocal(Optional.empty(), dir.resolve("master.key"),
                stored(List.of(), 0, 3, 3));
        assertEquals(List.of(4), List.copyOf(kek.versions()));
    }

    @Test
    void theDatabasesPrimaryWinsAtStart() {
        Path file = dir.resolve("master.key");
        KeyEncryptionKey created = LocalKeyEncryptionKey.create(file, 1);
        created.rotate(2);
        KeyEncryptionKey kek = KekStartup.openLocal(Optional.empty(), file, stored(List.of(1), 1, 1, 2));
        assertEquals(1, kek.primary().version(), "a crash between key file and database left version 2 unrecorded");
        assertEquals(1, LocalKeyEncryptionKey.fromFile(file).primary().version(), "and the file agrees again");
    }
}
