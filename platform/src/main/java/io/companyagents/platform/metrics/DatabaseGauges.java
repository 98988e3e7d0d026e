package io.companyagents.platform.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Gauges whose values live in the database (a backlog, a queue depth, a rotation's progress).
 * A query runs on a timer ({@code company-agents.metrics.refresh-interval}), never on the
 * scrape, and the scrape reads the last value from memory. Every replica reports the same
 * figure, so dashboards take {@code max} over a service's pods.
 */
@ApplicationScoped
public class DatabaseGauges {

    private static final Logger LOG = Logger.getLogger(DatabaseGauges.class);

    /** A gauge's current value. */
    public static final class Value {
        private volatile double value;

        public void set(double value) {
            this.value = value;
        }

        public double get() {
            return value;
        }
    }

    private record Refresh(String sql, Consumer<RowSet<Row>> apply) {
    }

    @Inject
    MeterRegistry registry;

    @Inject
    Pool pool;

    @Inject
    Vertx vertx;

    @ConfigProperty(name = "company-agents.metrics.refresh-interval", defaultValue = "PT15S")
    Duration interval;

    private final List<Refresh> refreshes = new CopyOnWriteArrayList<>();
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile boolean stopped;
    private long timer = -1;

    void onStart(@Observes StartupEvent ignored) {
        timer = vertx.setPeriodic(Math.max(interval.toMillis(), 100), id -> refreshAll());
    }

    void onStop(@Observes ShutdownEvent ignored) {
        stopped = true;
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    /** Registers a gauge (optionally with a base unit such as {@code seconds}) and answers its value holder. */
    public Value gauge(String name, String description, String baseUnit, Tags tags) {
        Value value = new Value();
        Gauge.builder(name, value, Value::get).description(description).baseUnit(baseUnit).tags(tags).register(registry);
        return value;
    }

    /**
     * Registers a counter whose value is a count the database keeps (rows that are never deleted),
     * so it survives restarts and agrees across replicas.
     */
    public Value counter(String name, String description, Tags tags) {
        Value value = new Value();
        FunctionCounter.builder(name, value, Value::get).description(description).tags(tags).register(registry);
        return value;
    }

    /** Runs {@code sql} now and then on every tick, handing the rows to {@code apply}. */
    public void refresh(String sql, Consumer<RowSet<Row>> apply) {
        Refresh refresh = new Refresh(sql, apply);
        refreshes.add(refresh);
        run(refresh).subscribe().with(ok -> { }, failure -> { });
    }

    private void refreshAll() {
        if (stopped || !running.compareAndSet(false, true)) {
            return;
        }
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (Refresh refresh : refreshes) {
            chain = chain.chain(() -> run(refresh));
        }
        chain.subscribe().with(ok -> running.set(false), failure -> running.set(false));
    }

    private Uni<Void> run(Refresh refresh) {
        return pool.query(refresh.sql()).execute()
                .invoke(refresh.apply())
                .replaceWithVoid()
                .onFailure().recoverWithUni(failure -> {
                    LOG.debugf("metrics query failed (%s): %s", refresh.sql(), failure.getMessage());
                    return Uni.createFrom().voidItem();
                });
    }
}
