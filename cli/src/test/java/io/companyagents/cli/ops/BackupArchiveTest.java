package io.companyagents.cli.ops;

import io.companyagents.cli.testing.TestSupport;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BackupArchiveTest {

    private Path dir;
    private Path staging;

    @BeforeEach
    void setUp() throws IOException {
        dir = TestSupport.workDir("archive");
        staging = Files.createDirectories(dir.resolve("staging"));
        Files.createDirectories(staging.resolve("db"));
        Files.createDirectories(staging.resolve("secrets"));
        StringBuilder sql = new StringBuilder(SqlDumper.HEADER + "\n");
        for (int i = 0; i < 20_000; i++) {
            sql.append("-- filler line ").append(i).append(" so that the archive spans several blocks\n");
        }
        Files.writeString(staging.resolve(DatabaseDump.SQL_FILE), sql);
        Files.writeString(staging.resolve("secrets/master.key"), "{\"primaryKeyId\":1}");
        Files.writeString(staging.resolve("admin.key"), "ca_admin_x\n");
    }

    private Manifest manifest() throws IOException {
        Map<String, Long> tables = new TreeMap<>(Map.of("companies", 3L));
        DbStats stats = new DbStats("16.10", 160010,
                Map.of("agents", new DbStats.SchemaStats("1.4", "memory", 5, tables)),
                new TreeMap<>(Map.of("0190", new DbStats.AuditHead(7, "abc"))));
        return new Manifest(Manifest.TOOL, "test", 1, Manifest.KIND_BACKUP, "2026-11-22T00:00:00Z", dir.toString(),
                new Manifest.Source("x", true, false),
                new Manifest.Dump(Manifest.FORMAT_SQL, DatabaseDump.SQL_FILE, "built-in", 0, "rr", List.of("agents"),
                        List.of()),
                stats, new Manifest.Totals(1, 1, 3, 1), BackupArchive.describe(staging));
    }

    @Test
    void aWrittenArchiveReadsBackWithManifestFirstAndEveryChecksumAndOwnerOnlyPermissions() throws Exception {
        Path file = dir.resolve("good.tar.gz");
        BackupArchive.write(file, manifest(), staging);
        assertFalse(Files.exists(dir.resolve("good.tar.gz.partial")));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals(3, BackupArchive.readManifest(file).files().size());
        Path out = Files.createDirectories(dir.resolve("out"));
        BackupArchive.Contents c = BackupArchive.read(file, out, name -> true);
        assertEquals(Files.readString(staging.resolve("secrets/master.key")), Files.readString(out.resolve("secrets/master.key")));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve("secrets/master.key"))));
        assertTrue(Files.isRegularFile(c.dumpFile()));
    }

    @Test
    void aTruncatedArchiveIsRejectedAsTruncated() throws Exception {
        Path file = dir.resolve("good.tar.gz");
        BackupArchive.write(file, manifest(), staging);
        byte[] bytes = Files.readAllBytes(file);
        Path cut = dir.resolve("cut.tar.gz");
        Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        var e = assertThrows(BackupArchive.BadArchiveException.class, () -> BackupArchive.read(cut, null, n -> false));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        Path tail = dir.resolve("tail.tar.gz");
        Files.write(tail, java.util.Arrays.copyOf(bytes, bytes.length - 4)); // only the gzip trailer is cut
        assertThrows(BackupArchive.BadArchiveException.class, () -> BackupArchive.read(tail, null, n -> false));
    }

    @Test
    void aFlippedByteIsRejectedAsCorrupted() throws Exception {
        Path file = dir.resolve("good.tar.gz");
        BackupArchive.write(file, manifest(), staging);
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 0x5a;
        Path bad = dir.resolve("bad.tar.gz");
        Files.write(bad, bytes);
        var e = assertThrows(BackupArchive.BadArchiveException.class, () -> BackupArchive.read(bad, null, n -> false));
        assertTrue(e.getMessage().contains("corrupted") || e.getMessage().contains("checksum")
                || e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void aFileWhoseContentDoesNotMatchTheManifestIsACheckSumMismatch() throws Exception {
        Manifest m = manifest();
        Files.writeString(staging.resolve("secrets/master.key"), "{\"primaryKeyId\":2}"); // same size, other bytes
        Path file = dir.resolve("tampered.tar.gz");
        BackupArchive.write(file, m, staging);
        var e = assertThrows(BackupArchive.BadArchiveException.class, () -> BackupArchive.read(file, null, n -> false));
        assertTrue(e.getMessage().contains("checksum mismatch for secrets/master.key"), e.getMessage());
    }

    @Test
    void unlistedEntriesUnsafePathsAndForeignArchivesAreRejected() throws Exception {
        Manifest m = manifest();
        Path extra = dir.resolve("extra.tar.gz");
        writeRaw(extra, Map.of(Manifest.ENTRY, m.toJson(), "db/database.sql",
                Files.readAllBytes(staging.resolve("db/database.sql")), "secrets/master.key",
                Files.readAllBytes(staging.resolve("secrets/master.key")), "admin.key",
                Files.readAllBytes(staging.resolve("admin.key")), "../../evil", new byte[] {1}));
        var e = assertThrows(BackupArchive.BadArchiveException.class, () -> BackupArchive.read(extra, null, n -> true));
        assertTrue(e.getMessage().contains("unsafe") || e.getMessage().contains("not listed"), e.getMessage());

        Path foreign = dir.resolve("foreign.tar.gz");
        writeRaw(foreign, Map.of("hello.txt", "hi".getBytes(StandardCharsets.UTF_8)));
        e = assertThrows(BackupArchive.BadArchiveException.class, () -> BackupArchive.readManifest(foreign));
        assertTrue(e.getMessage().contains("not a company-agents backup"), e.getMessage());

        Path notGzip = dir.resolve("plain.tar.gz");
        Files.writeString(notGzip, "definitely not gzip");
        e = assertThrows(BackupArchive.BadArchiveException.class, () -> BackupArchive.read(notGzip, null, n -> true));
        assertTrue(e.getMessage().contains("corrupted") || e.getMessage().contains("not a readable"), e.getMessage());
    }

    @Test
    void anInsaneManifestIsRejected() throws Exception {
        Manifest m = manifest();
        Manifest wrongTotals = new Manifest(m.tool(), m.toolVersion(), m.formatVersion(), m.kind(), m.createdAt(),
                m.instance(), m.source(), m.dump(), m.database(), new Manifest.Totals(1, 1, 999, 1), m.files());
        Path file = dir.resolve("insane.tar.gz");
        BackupArchive.write(file, wrongTotals, staging);
        var e = assertThrows(BackupArchive.BadArchiveException.class, () -> BackupArchive.readManifest(file));
        assertTrue(e.getMessage().contains("totals do not add up"), e.getMessage());
        Manifest future = new Manifest(m.tool(), m.toolVersion(), 99, m.kind(), m.createdAt(), m.instance(), m.source(),
                m.dump(), m.database(), m.totals(), m.files());
        Path f2 = dir.resolve("future.tar.gz");
        BackupArchive.write(f2, future, staging);
        e = assertThrows(BackupArchive.BadArchiveException.class, () -> BackupArchive.readManifest(f2));
        assertTrue(e.getMessage().contains("format version 99"), e.getMessage());
    }

    private static void writeRaw(Path file, Map<String, byte[]> entries) throws IOException {
        try (OutputStream out = Files.newOutputStream(file);
                GzipCompressorOutputStream gz = new GzipCompressorOutputStream(out);
                TarArchiveOutputStream tar = new TarArchiveOutputStream(gz)) {
            // manifest first when present
            var names = new java.util.ArrayList<>(entries.keySet());
            names.sort((a, b) -> a.equals(Manifest.ENTRY) ? -1 : b.equals(Manifest.ENTRY) ? 1 : a.compareTo(b));
            for (String name : names) {
                TarArchiveEntry e = new TarArchiveEntry(name, true);
                e.setSize(entries.get(name).length);
                tar.putArchiveEntry(e);
                tar.write(entries.get(name));
                tar.closeArchiveEntry();
            }
        }
    }
}
