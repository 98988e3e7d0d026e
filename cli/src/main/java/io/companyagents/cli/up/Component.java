package io.companyagents.cli.up;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** The six application processes `up` starts, in start order (the gateway last). */
public enum Component {
    AGENTS("agents", "agents-service", 0),
    TASKS("tasks", "tasks-service", 1),
    LEDGER("ledger", "ledger-service", 2),
    AUDIT("audit", "audit-service", 3),
    SECRETS("secrets", "secrets-service", 4),
    GATEWAY("gateway", "gateway", -1);

    private final String id;
    private final String module;
    private final int portOffset;

    Component(String id, String module, int portOffset) {
        this.id = id;
        this.module = module;
        this.portOffset = portOffset;
    }

    /** Short name: {@code agents}, ..., {@code gateway}. */
    public String id() {
        return id;
    }

    /** Maven module directory holding {@code target/quarkus-app/quarkus-run.jar}. */
    public String module() {
        return module;
    }

    /** Offset from the service port base; -1 for the gateway (own port). */
    public int portOffset() {
        return portOffset;
    }

    public boolean isGateway() {
        return this == GATEWAY;
    }

    /** The five back-end services (everything but the gateway). */
    public static List<Component> services() {
        return Arrays.stream(values()).filter(c -> !c.isGateway()).toList();
    }

    public static Component byId(String id) {
        String wanted = id.toLowerCase(Locale.ROOT);
        for (Component c : values()) {
            if (c.id.equals(wanted) || c.module.equals(wanted)) {
                return c;
            }
        }
        throw new IllegalArgumentException("Unknown component '" + id + "'; expected one of "
                + Arrays.stream(values()).map(Component::id).toList());
    }
}
