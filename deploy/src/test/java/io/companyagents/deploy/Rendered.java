package io.companyagents.deploy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One overlay rendered by the real Kustomize (the {@code kustomize} binary, or the one built
 * into {@code kubectl kustomize}) and read back as fabric8 Kubernetes model objects: typed
 * classes for built-in kinds, {@link GenericKubernetesResource} for the operators' custom
 * resources. Nothing here imitates Kustomize: without a binary the test fails and says so.
 */
final class Rendered {

    private static final Map<String, Rendered> CACHE = new ConcurrentHashMap<>();
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    final String overlay;
    final String yaml;
    final List<HasMetadata> resources;

    private Rendered(String overlay, String yaml, List<HasMetadata> resources) {
        this.overlay = overlay;
        this.yaml = yaml;
        this.resources = resources;
    }

    static Path root() {
        return Path.of(System.getProperty("company-agents.root", "..")).toAbsolutePath().normalize();
    }

    static Path kubernetesDir() {
        return root().resolve("deploy").resolve("kubernetes");
    }

    static List<String> overlays() {
        try (Stream<Path> dirs = Files.list(kubernetesDir().resolve("overlays"))) {
            return dirs.filter(d -> Files.exists(d.resolve("kustomization.yaml"))).map(d -> d.getFileName().toString())
                    .sorted().toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static Rendered overlay(String name) {
        return CACHE.computeIfAbsent(name, n -> {
            String yaml = kustomize(kubernetesDir().resolve("overlays").resolve(n));
            return new Rendered(n, yaml, parse(yaml));
        });
    }

    /** The command that renders a kustomization directory, or empty when none is installed. */
    static Optional<List<String>> kustomizeCommand() {
        Optional<Path> kustomize = onPath("kustomize");
        if (kustomize.isPresent()) {
            return Optional.of(List.of(kustomize.get().toString(), "build"));
        }
        return onPath("kubectl").map(k -> List.of(k.toString(), "kustomize"));
    }

    private static Optional<Path> onPath(String tool) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, tool);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    static String kustomize(Path dir) {
        List<String> command = new ArrayList<>(kustomizeCommand().orElseThrow(() -> new IllegalStateException(
                "neither 'kustomize' nor 'kubectl' is on the PATH: the manifests cannot be rendered, so they are not"
                        + " checked. Install one (Debian: apt-get install kubectl) and run again.")));
        command.add(dir.toString());
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(false).start();
            byte[] out;
            byte[] err;
            try (InputStream o = p.getInputStream(); InputStream e = p.getErrorStream()) {
                ByteArrayOutputStream errBuf = new ByteArrayOutputStream();
                Thread t = new Thread(() -> {
                    try {
                        e.transferTo(errBuf);
                    } catch (IOException ignored) {
                        // the exit code tells
                    }
                });
                t.start();
                out = o.readAllBytes();
                t.join();
                err = errBuf.toByteArray();
            }
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + new String(err, StandardCharsets.UTF_8));
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static List<HasMetadata> parse(String yaml) {
        List<HasMetadata> out = new ArrayList<>();
        for (String doc : yaml.split("(?m)^---\\s*$")) {
            if (doc.isBlank()) {
                continue;
            }
            out.add(SERIALIZATION.unmarshal(doc, HasMetadata.class));
        }
        return out;
    }

    <T extends HasMetadata> List<T> all(Class<T> type) {
        return resources.stream().filter(type::isInstance).map(type::cast).toList();
    }

    <T extends HasMetadata> T one(Class<T> type, String name) {
        return all(type).stream().filter(r -> name.equals(r.getMetadata().getName())).findFirst()
                .orElseThrow(() -> new AssertionError(overlay + ": no " + type.getSimpleName() + " named " + name));
    }

    List<GenericKubernetesResource> custom(String kind) {
        return resources.stream().filter(r -> r instanceof GenericKubernetesResource && kind.equals(r.getKind()))
                .map(GenericKubernetesResource.class::cast).toList();
    }

    GenericKubernetesResource customOne(String kind, String name) {
        return custom(kind).stream().filter(r -> name.equals(r.getMetadata().getName())).findFirst()
                .orElseThrow(() -> new AssertionError(overlay + ": no " + kind + " named " + name));
    }

    /** The namespace every namespaced resource of this overlay lands in. */
    String namespace() {
        return resources.stream().filter(r -> "Deployment".equals(r.getKind())).map(r -> r.getMetadata().getNamespace())
                .findFirst().orElseThrow();
    }

    /** A path into a custom resource ({@code spec.kafka.listeners}), or null. */
    @SuppressWarnings("unchecked")
    static <T> T at(GenericKubernetesResource r, String path) {
        Object node = r.getAdditionalProperties();
        for (String part : path.split("\\.")) {
            if (!(node instanceof Map<?, ?> map)) {
                return null;
            }
            node = map.get(part);
        }
        return (T) node;
    }
}
