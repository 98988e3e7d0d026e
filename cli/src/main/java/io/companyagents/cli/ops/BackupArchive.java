package io.companyagents.cli.ops;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipParameters;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Stream;
import java.util.zip.Deflater;

/**
 * The archive: a {@code .tar.gz} whose first entry is {@code manifest.json}, followed by the files it lists
 * (relative paths, each with its size and SHA-256). Written to {@code FILE.partial} and renamed, so an
 * interrupted run leaves no half archive under the final name. Reading checks everything: gzip CRC, tar
 * structure, that the manifest comes first and is sane, every listed file is present once with its size and
 * checksum, nothing unlisted is there, and no path escapes the extraction directory.
 */
public final class BackupArchive {

    private static final int MAX_MANIFEST_BYTES = 64 << 20;

    private BackupArchive() {
    }

    /** Relative, normalized, no {@code ..}, no backslashes or NULs. */
    static boolean safePath(String path) {
        if (path.isEmpty() || path.startsWith("/") || path.contains("\\") || path.contains("\0")) {
            return false;
        }
        for (String part : path.split("/", -1)) {
            if (part.isEmpty() || part.equals(".") || part.equals("..")) {
                return false;
            }
        }
        return true;
    }

    /** Lists the regular files under a staging directory as manifest entries (paths relative to it, sorted). */
    static List<Manifest.FileEntry> describe(Path staging) throws IOException {
        List<Manifest.FileEntry> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(staging)) {
            for (Path p : walk.filter(Files::isRegularFile).sorted().toList()) {
                String rel = staging.relativize(p).toString().replace(java.io.File.separatorChar, '/');
                files.add(new Manifest.FileEntry(rel, Files.size(p), Ops.sha256(p)));
            }
        }
        return files;
    }

    /** Writes manifest + the staged files to {@code output} (via {@code output.partial}). */
    static void write(Path output, Manifest manifest, Path staging) throws IOException {
        Path partial = output.resolveSibling(output.getFileName() + ".partial");
        Files.deleteIfExists(partial);
        // the archive holds the instance's keys: owner-only from the first byte
        if (partial.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.createFile(partial, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        Ops.Cleanup interrupted = Ops.onExit(() -> {
            try {
                Files.deleteIfExists(partial);
            } catch (IOException ignored) {
                // best effort
            }
        });
        GzipParameters gz = new GzipParameters();
        gz.setCompressionLevel(Deflater.DEFAULT_COMPRESSION);
        try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(partial), 1 << 16);
                GzipCompressorOutputStream gzip = new GzipCompressorOutputStream(file, gz);
                TarArchiveOutputStream tar = new TarArchiveOutputStream(gzip)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            byte[] json = manifest.toJson();
            TarArchiveEntry me = new TarArchiveEntry(Manifest.ENTRY);
            me.setSize(json.length);
            me.setMode(0100644);
            me.setModTime(System.currentTimeMillis());
            tar.putArchiveEntry(me);
            tar.write(json);
            tar.closeArchiveEntry();
            for (Manifest.FileEntry f : manifest.files()) {
                Path p = staging.resolve(f.path());
                TarArchiveEntry e = new TarArchiveEntry(f.path());
                e.setSize(Files.size(p));
                e.setMode(f.path().startsWith("secrets/") || f.path().equals("admin.key") ? 0100600 : 0100644);
                e.setModTime(Files.getLastModifiedTime(p).toMillis());
                tar.putArchiveEntry(e);
                Files.copy(p, tar);
                tar.closeArchiveEntry();
            }
            tar.finish();
        } catch (IOException | RuntimeException e) {
            interrupted.close();
            throw e;
        }
        try {
            Files.move(partial, output, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (java.nio.file.AtomicMoveNotSupportedException e) {
            Files.move(partial, output, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            interrupted.close();
        }
    }

    /** A bad archive: truncated, corrupted, tampered with, or not ours. */
    public static final class BadArchiveException extends Exception {
        BadArchiveException(String message) {
            super(message);
        }
    }

    /** Reads only the manifest (the first entry), for listings. */
    public static Manifest readManifest(Path file) throws BadArchiveException, IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
                GzipCompressorInputStream gzip = new GzipCompressorInputStream(in);
                TarArchiveInputStream tar = new TarArchiveInputStream(gzip)) {
            return manifestOf(tar);
        } catch (EOFException e) {
            throw new BadArchiveException("it is truncated (the data ends early)");
        } catch (IOException | IllegalArgumentException e) {
            if (e instanceof java.nio.file.NoSuchFileException) {
                throw (IOException) e;
            }
            throw new BadArchiveException("it is not a readable .tar.gz (" + Ops.reason(e) + ")");
        }
    }

    private static Manifest manifestOf(TarArchiveInputStream tar) throws IOException, BadArchiveException {
        TarArchiveEntry first = tar.getNextEntry();
        if (first == null) {
            throw new BadArchiveException("it is empty");
        }
        if (!first.getName().equals(Manifest.ENTRY)) {
            throw new BadArchiveException("it does not start with " + Manifest.ENTRY
                    + " (not a company-agents backup; first entry: " + first.getName() + ")");
        }
        if (first.getSize() > MAX_MANIFEST_BYTES) {
            throw new BadArchiveException(Manifest.ENTRY + " is implausibly large (" + first.getSize() + " bytes)");
        }
        byte[] json = tar.readNBytes((int) first.getSize());
        if (json.length != first.getSize()) {
            throw new BadArchiveException("it is truncated inside " + Manifest.ENTRY);
        }
        Manifest m;
        try {
            m = Manifest.parse(json);
        } catch (IOException e) {
            throw new BadArchiveException(Manifest.ENTRY + " is not valid JSON (" + Ops.reason(e) + ")");
        }
        List<String> problems = m.problems();
        if (!problems.isEmpty()) {
            throw new BadArchiveException(Manifest.ENTRY + " is not sane: " + String.join("; ", problems));
        }
        return m;
    }

    /** Result of {@link #read}: the manifest, and where the extracted files are (if extracted). */
    public record Contents(Manifest manifest, Path dir) {
        public Path dumpFile() {
            return dir.resolve(manifest.dump().file());
        }
    }

    /**
     * Reads and checks the whole archive. Files matching {@code extract} are written under {@code into} (which must
     * exist and be empty); the others are only checksummed.
     */
    public static Contents read(Path file, Path into, Predicate<String> extract) throws BadArchiveException, IOException {
        if (!Files.isRegularFile(file)) {
            throw new java.nio.file.NoSuchFileException(file.toString());
        }
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
                GzipCompressorInputStream gzip = new GzipCompressorInputStream(in);
                TarArchiveInputStream tar = new TarArchiveInputStream(gzip)) {
            Manifest m = manifestOf(tar);
            Map<String, Manifest.FileEntry> expected = new HashMap<>();
            for (Manifest.FileEntry f : m.files()) {
                expected.put(f.path(), f);
            }
            Set<String> seen = new java.util.HashSet<>();
            TarArchiveEntry e;
            byte[] buffer = new byte[1 << 16];
            while ((e = tar.getNextEntry()) != null) {
                String name = e.getName();
                if (e.isDirectory()) {
                    continue;
                }
                if (!e.isFile()) {
                    throw new BadArchiveException("entry " + name + " is not a regular file");
                }
                if (!safePath(name)) {
                    throw new BadArchiveException("entry " + name + " has an unsafe path");
                }
                Manifest.FileEntry want = expected.get(name);
                if (want == null) {
                    throw new BadArchiveException("entry " + name + " is not listed in the manifest");
                }
                if (!seen.add(name)) {
                    throw new BadArchiveException("entry " + name + " appears twice");
                }
                MessageDigest digest = sha256();
                long size = 0;
                boolean write = into != null && extract.test(name);
                Path target = write ? into.resolve(name).normalize() : null;
                if (target != null && !target.startsWith(into)) {
                    throw new BadArchiveException("entry " + name + " has an unsafe path");
                }
                OutputStream out = null;
                try {
                    if (target != null) {
                        Files.createDirectories(target.getParent());
                        out = new BufferedOutputStream(Files.newOutputStream(target), 1 << 16);
                    }
                    DigestInputStream din = new DigestInputStream(tar, digest);
                    int n;
                    while ((n = din.read(buffer)) > 0) {
                        size += n;
                        if (out != null) {
                            out.write(buffer, 0, n);
                        }
                    }
                } finally {
                    if (out != null) {
                        out.close();
                    }
                }
                if (size != want.size()) {
                    throw new BadArchiveException(name + " has " + size + " bytes, the manifest says " + want.size());
                }
                String sum = HexFormat.of().formatHex(digest.digest());
                if (!sum.equals(want.sha256())) {
                    throw new BadArchiveException("checksum mismatch for " + name + " (SHA-256 " + sum.substring(0, 12)
                            + "…, the manifest says " + want.sha256().substring(0, 12) + "…)");
                }
                if (target != null && (name.startsWith("secrets/") || name.equals("admin.key"))) {
                    restrict(target, "rw-------");
                }
            }
            // drain to the end of the gzip stream: its CRC and length are checked there
            while (gzip.read(buffer) >= 0) {
                // nothing
            }
            List<String> missing = expected.keySet().stream().filter(p -> !seen.contains(p)).sorted().toList();
            if (!missing.isEmpty()) {
                throw new BadArchiveException("it lacks " + missing.size() + " file(s) the manifest lists: "
                        + String.join(", ", missing.subList(0, Math.min(5, missing.size())))
                        + " (truncated?)");
            }
            return new Contents(m, into);
        } catch (EOFException e) {
            throw new BadArchiveException("it is truncated (the data ends early)");
        } catch (IOException | IllegalArgumentException e) {
            if (e instanceof java.nio.file.NoSuchFileException nsf) {
                throw nsf;
            }
            String reason = Ops.reason(e);
            if (reason.toLowerCase(java.util.Locale.ROOT).contains("truncated")
                    || reason.toLowerCase(java.util.Locale.ROOT).contains("unexpected end")) {
                throw new BadArchiveException("it is truncated (" + reason + ")");
            }
            throw new BadArchiveException("it is corrupted (" + reason + ")");
        }
    }

    static void restrict(Path p, String perms) throws IOException {
        if (p.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Set<PosixFilePermission> set = PosixFilePermissions.fromString(perms);
            Files.setPosixFilePermissions(p, set);
        }
    }

    /** A fresh 0700 directory for extracted (secret) files. */
    static Path tempDir(Path near, String prefix) throws IOException {
        Path parent = near != null && Files.isDirectory(near) && Files.isWritable(near) ? near : null;
        if (parent != null && parent.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return Files.createTempDirectory(parent, prefix,
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        if (parent != null) {
            return Files.createTempDirectory(parent, prefix);
        }
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        if (tmp.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return Files.createTempDirectory(prefix,
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        return Files.createTempDirectory(prefix);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
