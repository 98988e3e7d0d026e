package io.companyagents.cli.up;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code run.json} in the instance directory: written once everything is ready, deleted on a clean stop.
 *
 * @param cliPid                pid of the {@code up} process
 * @param instanceDir           the instance directory
 * @param startedAt             when {@code up} started
 * @param readyAt               when everything was ready
 * @param gatewayUrl            the gateway base URL
 * @param databaseUrl           DATABASE_URL given to the services (password masked unless embedded)
 * @param kafkaBootstrapServers KAFKA_BOOTSTRAP_SERVERS given to the services
 * @param components            postgres, kafka, then the six application processes
 */
public record RunFile(
        long cliPid,
        String instanceDir,
        Instant startedAt,
        Instant readyAt,
        String gatewayUrl,
        String databaseUrl,
        String kafkaBootstrapServers,
        List<Entry> components) {

    /**
     * One component.
     *
     * @param name     postgres, kafka, agents, tasks, ledger, audit, secrets, gateway
     * @param kind     {@code postgres}, {@code kafka} or {@code service}
     * @param embedded started by {@code up} (false: external, pid is null)
     * @param pid      process id, null if external
     * @param host     host the component listens on
     * @param port     port
     * @param url      HTTP base URL (services only)
     * @param log      log file (null if external)
     */
    public record Entry(String name, String kind, boolean embedded, Long pid, String host, int port, String url,
            String log) {
    }

    public Optional<Entry> component(String name) {
        return components.stream().filter(e -> e.name().equals(name)).findFirst();
    }

    public void write(Path file) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("cliPid", cliPid);
        json.put("instanceDir", instanceDir);
        json.put("startedAt", startedAt.toString());
        json.put("readyAt", readyAt == null ? null : readyAt.toString());
        json.put("gatewayUrl", gatewayUrl);
        json.put("databaseUrl", databaseUrl);
        json.put("kafkaBootstrapServers", kafkaBootstrapServers);
        List<Object> list = new ArrayList<>();
        for (Entry e : components) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("name", e.name());
            c.put("kind", e.kind());
            c.put("embedded", e.embedded());
            c.put("pid", e.pid());
            c.put("host", e.host());
            c.put("port", e.port());
            c.put("url", e.url());
            c.put("log", e.log());
            list.add(c);
        }
        json.put("components", list);
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, MiniJson.write(json), StandardCharsets.UTF_8);
            InstanceLayout.restrict(tmp, InstanceLayout.OWNER_ONLY_FILE);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file, e);
        }
    }

    public static Optional<RunFile> readIfExists(Path file) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(parse(Files.readString(file, StandardCharsets.UTF_8)));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    @SuppressWarnings("unchecked")
    static RunFile parse(String text) {
        Map<String, Object> json = (Map<String, Object>) MiniJson.parse(text);
        List<Entry> entries = new ArrayList<>();
        for (Object o : (List<Object>) json.getOrDefault("components", List.of())) {
            Map<String, Object> c = (Map<String, Object>) o;
            entries.add(new Entry((String) c.get("name"), (String) c.get("kind"),
                    Boolean.TRUE.equals(c.get("embedded")), c.get("pid") == null ? null : ((Number) c.get("pid")).longValue(),
                    (String) c.get("host"), ((Number) c.get("port")).intValue(), (String) c.get("url"),
                    (String) c.get("log")));
        }
        Object readyAt = json.get("readyAt");
        return new RunFile(((Number) json.get("cliPid")).longValue(), (String) json.get("instanceDir"),
                Instant.parse((String) json.get("startedAt")), readyAt == null ? null : Instant.parse((String) readyAt),
                (String) json.get("gatewayUrl"), (String) json.get("databaseUrl"),
                (String) json.get("kafkaBootstrapServers"), entries);
    }
}
