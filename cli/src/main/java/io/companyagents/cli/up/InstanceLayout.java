package io.companyagents.cli.up;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The instance directory:
 * <pre>
 *   db/ kafka/ secrets/ (0700) runs/ backups/ logs/ admin.key run.json
 * </pre>
 * plus {@code .run/} for files only a running {@code up} needs (lock, watchdog agent).
 */
public record InstanceLayout(Path root) {

    public static final Set<PosixFilePermission> OWNER_ONLY_DIR = PosixFilePermissions.fromString("rwx------");
    public static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");

    public InstanceLayout {
        root = root.toAbsolutePath().normalize();
    }

    public Path db() {
        return root.resolve("db");
    }

    public Path kafka() {
        return root.resolve("kafka");
    }

    public Path kafkaData() {
        return kafka().resolve("data");
    }

    public Path secrets() {
        return root.resolve("secrets");
    }

    public Path runs() {
        return root.resolve("runs");
    }

    public Path backups() {
        return root.resolve("backups");
    }

    public Path logs() {
        return root.resolve("logs");
    }

    public Path log(String name) {
        return logs().resolve(name + ".log");
    }

    public Path adminKey() {
        return root.resolve("admin.key");
    }

    public Path runFile() {
        return root.resolve("run.json");
    }

    public Path runtimeDir() {
        return root.resolve(".run");
    }

    public Path jwtPrivateKey() {
        return secrets().resolve("internal-jwt-private.pem");
    }

    public Path jwtPublicKey() {
        return secrets().resolve("internal-jwt-public.pem");
    }

    /** Creates the directories (idempotent); secrets/ is 0700. */
    public InstanceLayout create() {
        try {
            Files.createDirectories(root);
            for (Path dir : new Path[] {db(), kafka(), runs(), backups(), logs(), runtimeDir()}) {
                Files.createDirectories(dir);
            }
            Files.createDirectories(secrets());
            restrict(secrets(), OWNER_ONLY_DIR);
            return this;
        } catch (IOException e) {
            throw new LaunchException(LaunchException.EXIT_ENVIRONMENT,
                    "Cannot create the instance directory " + root + ": " + e.getMessage(), e);
        }
    }

    /** Sets POSIX permissions where the file system supports them. */
    public static void restrict(Path path, Set<PosixFilePermission> permissions) throws IOException {
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(path, permissions);
        }
    }

    /**
     * Takes the instance lock held for as long as {@code up} runs; a second {@code up} on the same
     * instance fails with a clear message.
     */
    public InstanceLock lock() {
        Path lockFile = runtimeDir().resolve("up.lock");
        FileChannel channel = null;
        try {
            Files.createDirectories(runtimeDir());
            channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                channel.close();
                throw alreadyRunning();
            }
            return new InstanceLock(channel, lock);
        } catch (OverlappingFileLockException e) {
            closeQuietly(channel);
            throw alreadyRunning();
        } catch (IOException e) {
            closeQuietly(channel);
            throw new UncheckedIOException("Cannot lock " + lockFile, e);
        }
    }

    private LaunchException alreadyRunning() {
        String pid = RunFile.readIfExists(runFile()).map(r -> " (pid " + r.cliPid() + ")").orElse("");
        return new LaunchException(LaunchException.EXIT_ENVIRONMENT, "company-agents is already running for instance "
                + root + pid + "; stop it first (Ctrl-C in its terminal) or use another --instance.");
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing to do
            }
        }
    }

    /** The held instance lock. */
    public static final class InstanceLock implements AutoCloseable {
        private final FileChannel channel;
        private final FileLock lock;

        InstanceLock(FileChannel channel, FileLock lock) {
            this.channel = channel;
            this.lock = lock;
        }

        @Override
        public synchronized void close() {
            try {
                if (lock.isValid()) {
                    lock.release();
                }
                channel.close();
            } catch (IOException ignored) {
                // released when the JVM exits anyway
            }
        }
    }
}
