package io.companyagents.deploy;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** What the services themselves say they need, read from their sources (not from the manifests). */
final class SourceFacts {

    /** The gateway and the five services, in the order of ARCHITECTURE.md. */
    static final List<String> COMPONENTS = List.of("agents-service", "tasks-service", "ledger-service", "audit-service",
            "secrets-service", "gateway");

    /**
     * ARCHITECTURE.md, "Services": the topic each component publishes its own events on (through
     * its outbox); the audit-service republishes the canonical stream on ca.audit.v1.
     */
    static final Map<String, String> PUBLISHES = Map.of(
            "agents-service", "ca.agents.v1",
            "tasks-service", "ca.tasks.v1",
            "ledger-service", "ca.ledger.v1",
            "audit-service", "ca.audit.v1",
            "secrets-service", "ca.secrets.v1",
            "gateway", "ca.gateway.v1");

    /** One consumed channel: its topics and consumer group. */
    record Incoming(String channel, Set<String> topics, String group, String deadLetterTopic) {
    }

    static Path module(String component) {
        return Rendered.root().resolve(component);
    }

    static Properties properties(String component) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(module(component).resolve("src/main/resources/application.properties"))) {
            p.load(r);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return p;
    }

    static int httpPort(String component) {
        return Integer.parseInt(properties(component).getProperty("quarkus.http.port").trim());
    }

    static String schema(String component) {
        return properties(component).getProperty("company-agents.schema").trim();
    }

    static List<Incoming> incoming(String component) {
        Properties p = properties(component);
        Pattern channel = Pattern.compile("^mp\\.messaging\\.incoming\\.([^.]+)\\.connector$");
        List<Incoming> out = new ArrayList<>();
        for (String key : new TreeSet<>(p.stringPropertyNames())) {
            Matcher m = channel.matcher(key);
            if (!m.matches()) {
                continue;
            }
            String prefix = "mp.messaging.incoming." + m.group(1) + ".";
            String topics = p.getProperty(prefix + "topics", p.getProperty(prefix + "topic", m.group(1)));
            Set<String> set = new LinkedHashSet<>();
            for (String t : topics.split(",")) {
                set.add(t.trim());
            }
            String dlq = "dead-letter-queue".equals(p.getProperty(prefix + "failure-strategy", "").trim())
                    ? p.getProperty(prefix + "dead-letter-queue.topic", "dead-letter-topic-" + m.group(1)).trim() : null;
            out.add(new Incoming(m.group(1), set, p.getProperty(prefix + "group.id", "").trim(), dlq));
        }
        return out;
    }

    /** Topics written by the component's own outgoing channels (besides the shared outbox). */
    static Set<String> outgoingTopics(String component) {
        Properties p = properties(component);
        Pattern topic = Pattern.compile("^mp\\.messaging\\.outgoing\\.([^.]+)\\.topic$");
        Set<String> out = new TreeSet<>();
        for (String key : p.stringPropertyNames()) {
            if (topic.matcher(key).matches()) {
                out.add(p.getProperty(key).trim());
            }
        }
        return out;
    }

    /** True when one of the component's migrations creates a database role (so its role needs CREATEROLE). */
    static boolean migrationsCreateRoles(String component) {
        Path db = module(component).resolve("src/main/resources/db");
        if (!Files.isDirectory(db)) {
            return false;
        }
        Pattern createRole = Pattern.compile("(?i)\\bcreate\\s+role\\b");
        try (Stream<Path> files = Files.walk(db)) {
            return files.filter(f -> f.toString().endsWith(".sql")).anyMatch(f -> {
                try {
                    return createRole.matcher(Files.readString(f)).find();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The business meters the code registers ({@code "company_agents.xxx"} string literals in
     * main sources), as Prometheus base names ({@code company_agents_xxx}).
     */
    static Set<String> businessMetricNames() {
        Pattern literal = Pattern.compile("\"(company_agents\\.[a-z0-9_.]+)\"");
        Set<String> names = new TreeSet<>();
        List<String> modules = new ArrayList<>(COMPONENTS);
        modules.add("platform");
        for (String module : modules) {
            Path src = module(module).resolve("src/main/java");
            try (Stream<Path> files = Files.walk(src)) {
                for (Path f : files.filter(x -> x.toString().endsWith(".java")).toList()) {
                    Matcher m = literal.matcher(Files.readString(f));
                    while (m.find()) {
                        names.add(m.group(1).replace('.', '_'));
                    }
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return names;
    }

    static Map<String, String> dockerfiles() {
        Map<String, String> out = new LinkedHashMap<>();
        for (String c : COMPONENTS) {
            Path f = module(c).resolve("src/main/docker/Dockerfile.jvm");
            try {
                out.put(c, Files.exists(f) ? Files.readString(f) : null);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return out;
    }

    static String createSecretsScript() {
        try {
            return Files.readString(Rendered.root().resolve("deploy/scripts/create-secrets.sh"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
