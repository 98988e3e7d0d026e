package io.companyagents.cli.up;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/** Port checks and free-port helpers (the latter for tests). */
public final class Ports {

    private Ports() {
    }

    /** A port {@code up} is going to bind, with the option that changes it. */
    public record PortUse(int port, String what, String option) {
    }

    /** True if a server socket can be bound on 127.0.0.1:port right now. */
    public static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** True if something accepts TCP connections on host:port within the timeout. */
    public static boolean isListening(String host, int port, int timeoutMillis) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), timeoutMillis);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Every port the launch will bind, in a stable order. */
    public static List<PortUse> portsToBind(LaunchConfig config) {
        Map<Integer, PortUse> uses = new LinkedHashMap<>();
        if (config.embeddedPostgres()) {
            add(uses, new PortUse(config.pgPort(), "embedded PostgreSQL", "--pg-port"));
        }
        if (config.embeddedKafka()) {
            add(uses, new PortUse(config.kafkaPort(), "embedded Kafka", "--kafka-port"));
            add(uses, new PortUse(config.kafkaControllerPort(), "embedded Kafka controller (--kafka-port + 1)",
                    "--kafka-port"));
        }
        for (Component c : Component.services()) {
            add(uses, new PortUse(config.port(c), c.id() + " service", "--service-port-base"));
        }
        add(uses, new PortUse(config.gatewayPort(), "gateway", "--gateway-port"));
        return new ArrayList<>(uses.values());
    }

    private static void add(Map<Integer, PortUse> uses, PortUse use) {
        PortUse previous = uses.putIfAbsent(use.port(), use);
        if (previous != null) {
            throw new LaunchException(LaunchException.EXIT_ENVIRONMENT, "Port " + use.port() + " is assigned twice ("
                    + previous.what() + " and " + use.what() + "); change " + use.option() + ".");
        }
    }

    /** Throws a {@link LaunchException} (exit code 2) naming the first busy port and the option to change it. */
    public static void requireFree(List<PortUse> uses) {
        for (PortUse use : uses) {
            if (!isFree(use.port())) {
                throw new LaunchException(LaunchException.EXIT_ENVIRONMENT, "Port " + use.port() + " (" + use.what()
                        + ") is already in use on 127.0.0.1; choose another with " + use.option() + ".");
            }
        }
    }

    /** A currently free loopback port (tests). */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("No free port", e);
        }
    }

    /** The first port of {@code count} consecutive currently free loopback ports (tests). */
    public static int freePortBlock(int count) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int attempt = 0; attempt < 200; attempt++) {
            int base = 20000 + random.nextInt(30000);
            boolean ok = true;
            for (int p = base; p < base + count && ok; p++) {
                ok = isFree(p);
            }
            if (ok) {
                return base;
            }
        }
        throw new IllegalStateException("No block of " + count + " free ports found");
    }
}
