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

    /**
     * A currently free loopback port, for a server started right after (tests, and the embedded PostgreSQL of an
     * offline operation). It is drawn below the kernel's ephemeral range: a port the kernel handed out for
     * {@code bind(0)} is one it also hands out as the local end of outgoing connections, so between this answer and
     * the server's bind a Kafka or database client could take it (seen on CI as "port in use" at startup).
     */
    public static int freePort() {
        return freePortBlock(1);
    }

    /** The first port of {@code count} consecutive currently free loopback ports, below the ephemeral range. */
    public static int freePortBlock(int count) {
        int high = ephemeralLow() - count;
        int low = Math.min(PRIVATE_LOW, high - 1000);
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int attempt = 0; attempt < 500; attempt++) {
            int base = low + random.nextInt(high - low);
            boolean ok = true;
            for (int p = base; p < base + count && ok; p++) {
                ok = isFree(p);
            }
            if (ok) {
                return base;
            }
        }
        throw new IllegalStateException("No block of " + count + " free ports found in " + low + ".." + high);
    }

    /** Lowest port we draw from: above the well-known defaults up binds (8080, 8181–8185, 15432, 19092). */
    private static final int PRIVATE_LOW = 20000;

    /** The first port of the kernel's ephemeral range (Linux: /proc/sys/net/ipv4/ip_local_port_range), else 32768. */
    static int ephemeralLow() {
        try {
            String range = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/net/ipv4/ip_local_port_range"))
                    .trim();
            int low = Integer.parseInt(range.split("\\s+")[0]);
            return low > PRIVATE_LOW + 2000 ? low : 32768;
        } catch (IOException | RuntimeException e) {
            return 32768;
        }
    }
}
