package io.companyagents.cli.up;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * A tiny Java agent loaded into every child JVM ({@code -javaagent:<jar>=<parent pid>}): when the
 * {@code up} process disappears without stopping its children (kill -9, OOM killer), the child exits
 * through {@link System#exit(int)}, so its own shutdown hooks still run. Uses only the JDK; the agent
 * jar holds this single class, so nothing else leaks onto the child's class path.
 */
public final class ParentWatchdog {

    private ParentWatchdog() {
    }

    public static void premain(String args) {
        long parentPid;
        try {
            parentPid = Long.parseLong(args == null ? "" : args.trim());
        } catch (NumberFormatException e) {
            System.err.println("[company-agents watchdog] invalid parent pid '" + args + "', watchdog disabled");
            return;
        }
        Optional<ProcessHandle> parent = ProcessHandle.of(parentPid);
        Thread thread = new Thread(() -> {
            parent.ifPresent(p -> p.onExit().join());
            System.err.println("[company-agents watchdog] parent process " + parentPid + " is gone; shutting down");
            System.exit(143);
        }, "company-agents-parent-watchdog");
        thread.setDaemon(true);
        thread.start();
    }

    /** JVM option that loads the watchdog for the current process as parent. */
    public static String jvmOption(Path agentJar) {
        return "-javaagent:" + agentJar + "=" + ProcessHandle.current().pid();
    }

    /** Writes (or refreshes) the agent jar in {@code dir}. */
    public static synchronized Path writeAgentJar(Path dir) throws IOException {
        String resource = ParentWatchdog.class.getSimpleName() + ".class";
        byte[] classBytes;
        try (InputStream in = ParentWatchdog.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("Class file " + resource + " not found");
            }
            classBytes = in.readAllBytes();
        }
        Files.createDirectories(dir);
        Path jar = dir.resolve("parent-watchdog.jar");
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue("Premain-Class", ParentWatchdog.class.getName());
        Path tmp = Files.createTempFile(dir, "parent-watchdog", ".jar.tmp");
        try (OutputStream out = Files.newOutputStream(tmp); JarOutputStream jarOut = new JarOutputStream(out, manifest)) {
            jarOut.putNextEntry(new JarEntry(ParentWatchdog.class.getName().replace('.', '/') + ".class"));
            jarOut.write(classBytes);
            jarOut.closeEntry();
        }
        Files.move(tmp, jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return jar;
    }
}
