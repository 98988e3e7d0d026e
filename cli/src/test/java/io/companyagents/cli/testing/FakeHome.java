package io.companyagents.cli.testing;

import io.companyagents.cli.up.Component;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/** Builds a "home" whose six quarkus-run.jar files run {@link FakeQuarkusApp}. */
public final class FakeHome {

    private FakeHome() {
    }

    public static Path create(Path home) throws IOException {
        byte[] classBytes;
        try (InputStream in = FakeQuarkusApp.class.getResourceAsStream("FakeQuarkusApp.class")) {
            classBytes = in.readAllBytes();
        }
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, FakeQuarkusApp.class.getName());
        for (Component c : Component.values()) {
            Path jar = home.resolve(c.module()).resolve("target/quarkus-app/quarkus-run.jar");
            Files.createDirectories(jar.getParent());
            try (OutputStream out = Files.newOutputStream(jar); JarOutputStream jarOut = new JarOutputStream(out, manifest)) {
                jarOut.putNextEntry(new JarEntry(FakeQuarkusApp.class.getName().replace('.', '/') + ".class"));
                jarOut.write(classBytes);
                jarOut.closeEntry();
            }
        }
        return home;
    }
}
