package io.companyagents.cli.ops;

import io.companyagents.cli.up.InstanceLayout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * The instance files a backup carries besides the database: {@code secrets/} (master key, audit signing key,
 * internal JWT keys), {@code runs/} (run artifacts) and {@code admin.key}.
 */
final class InstanceFiles {

    static final String SECRETS = "secrets";
    static final String RUNS = "runs";
    static final String ADMIN_KEY = "admin.key";

    private InstanceFiles() {
    }

    /** Copies the files into the staging directory (same relative paths); returns what was copied per part. */
    static List<String> stage(InstanceLayout layout, Path staging) throws IOException {
        List<String> notes = new ArrayList<>();
        for (String dir : List.of(SECRETS, RUNS)) {
            Path src = layout.root().resolve(dir);
            int n = 0;
            if (Files.isDirectory(src)) {
                try (Stream<Path> walk = Files.walk(src)) {
                    for (Path p : walk.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).sorted().toList()) {
                        Path target = staging.resolve(dir).resolve(src.relativize(p).toString());
                        Files.createDirectories(target.getParent());
                        Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
                        n++;
                    }
                }
            }
            notes.add(dir + "/ (" + n + " file" + (n == 1 ? "" : "s") + ")");
        }
        Path admin = layout.adminKey();
        if (Files.isRegularFile(admin, LinkOption.NOFOLLOW_LINKS)) {
            Files.copy(admin, staging.resolve(ADMIN_KEY), StandardCopyOption.COPY_ATTRIBUTES);
            notes.add(ADMIN_KEY);
        }
        return notes;
    }

    /** Files of the instance that a restore of {@code manifest} would replace with different content. */
    static List<String> conflicts(InstanceLayout layout, Manifest manifest, Path extracted) throws IOException {
        List<String> conflicts = new ArrayList<>();
        for (String dir : List.of(SECRETS, RUNS)) {
            int differing = 0;
            Path existing = layout.root().resolve(dir);
            if (!Files.isDirectory(existing)) {
                continue;
            }
            try (Stream<Path> walk = Files.walk(existing)) {
                for (Path p : walk.filter(Files::isRegularFile).toList()) {
                    Path fromBackup = extracted.resolve(dir).resolve(existing.relativize(p).toString());
                    if (!Files.isRegularFile(fromBackup) || Files.mismatch(p, fromBackup) != -1) {
                        differing++;
                    }
                }
            }
            if (differing > 0) {
                conflicts.add(dir + "/ holds " + differing + " file" + (differing == 1 ? "" : "s")
                        + " that differ from the backup's");
            }
        }
        Path admin = layout.adminKey();
        Path fromBackup = extracted.resolve(ADMIN_KEY);
        if (Files.isRegularFile(admin) && manifest.file(ADMIN_KEY) != null && Files.mismatch(admin, fromBackup) != -1) {
            conflicts.add(ADMIN_KEY + " differs from the backup's");
        }
        return conflicts;
    }

    /**
     * Puts the extracted files into the instance. Parts whose current content differs are first moved aside
     * ({@code secrets.replaced-<time>/} and so on), never deleted. Returns what was done, for the report.
     */
    static List<String> install(InstanceLayout layout, Manifest manifest, Path extracted) throws IOException {
        List<String> done = new ArrayList<>();
        String stamp = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC).format(Instant.now());
        List<String> conflicting = conflicts(layout, manifest, extracted);
        for (String dir : List.of(SECRETS, RUNS)) {
            Path target = layout.root().resolve(dir);
            Path source = extracted.resolve(dir);
            boolean differs = conflicting.stream().anyMatch(c -> c.startsWith(dir + "/"));
            if (differs) {
                Path aside = layout.root().resolve(dir + ".replaced-" + stamp);
                Files.move(target, aside);
                done.add("the previous " + dir + "/ was moved to " + aside.getFileName() + "/");
            }
            Files.createDirectories(target);
            if (dir.equals(SECRETS)) {
                InstanceLayout.restrict(target, InstanceLayout.OWNER_ONLY_DIR);
            }
            int n = 0;
            if (Files.isDirectory(source)) {
                try (Stream<Path> walk = Files.walk(source)) {
                    for (Path p : walk.filter(Files::isRegularFile).sorted().toList()) {
                        Path dest = target.resolve(source.relativize(p).toString());
                        Files.createDirectories(dest.getParent());
                        Files.copy(p, dest, StandardCopyOption.REPLACE_EXISTING);
                        if (dir.equals(SECRETS)) {
                            InstanceLayout.restrict(dest, InstanceLayout.OWNER_ONLY_FILE);
                        }
                        n++;
                    }
                }
            }
            done.add(dir + "/ (" + n + " file" + (n == 1 ? "" : "s") + ")");
        }
        Path adminSource = extracted.resolve(ADMIN_KEY);
        if (Files.isRegularFile(adminSource)) {
            Path admin = layout.adminKey();
            if (Files.isRegularFile(admin) && Files.mismatch(admin, adminSource) != -1) {
                Path aside = layout.root().resolve(ADMIN_KEY + ".replaced-" + stamp);
                Files.move(admin, aside);
                done.add("the previous admin.key was moved to " + aside.getFileName());
            }
            Files.copy(adminSource, admin, StandardCopyOption.REPLACE_EXISTING);
            InstanceLayout.restrict(admin, InstanceLayout.OWNER_ONLY_FILE);
            done.add(ADMIN_KEY);
        }
        return done;
    }

    /** Counts per part in a manifest, e.g. "secrets/ (5 files), runs/ (0 files), admin.key". */
    static String describe(Manifest manifest) {
        long secrets = manifest.files().stream().filter(f -> f.path().startsWith(SECRETS + "/")).count();
        long runs = manifest.files().stream().filter(f -> f.path().startsWith(RUNS + "/")).count();
        boolean admin = manifest.file(ADMIN_KEY) != null;
        return String.join(", ", Arrays.asList(SECRETS + "/ (" + secrets + " file" + (secrets == 1 ? "" : "s") + ")",
                RUNS + "/ (" + runs + " file" + (runs == 1 ? "" : "s") + ")", admin ? ADMIN_KEY : "no admin.key"));
    }
}
