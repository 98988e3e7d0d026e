package io.companyagents.ledger.service;

import io.companyagents.ledger.config.LedgerConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Starts each monthly budget's new window when the UTC month turns, even if nothing is spent
 * in it: an exceeded budget then recovers ({@code budget.recovered}) and its agents resume.
 * Entries and budget changes also move a budget they touch; this catches the idle ones. Safe on
 * many replicas: each batch takes its budgets with {@code SKIP LOCKED}.
 */
@ApplicationScoped
public class BudgetWindowRoller {

    private static final Logger LOG = Logger.getLogger(BudgetWindowRoller.class);

    @Inject
    BudgetService budgets;

    @Inject
    LedgerConfig config;

    @Inject
    Vertx vertx;

    private final AtomicBoolean running = new AtomicBoolean();
    private long timer = -1;

    void onStart(@Observes StartupEvent ignored) {
        timer = vertx.setPeriodic(config.windowRollInterval().toMillis(), id -> tick());
    }

    void onStop(@Observes ShutdownEvent ignored) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    void tick() {
        if (!running.compareAndSet(false, true)) {
            return;
        }
        budgets.rollPassedWindows(config.windowRollBatchSize()).subscribe().with(moved -> {
            running.set(false);
            if (moved > 0) {
                LOG.infof("moved %d budget(s) into the new month", moved);
            }
            if (moved >= config.windowRollBatchSize()) {
                tick();
            }
        }, failure -> {
            running.set(false);
            LOG.warnf("budget window roll failed, will retry: %s", failure.getMessage());
        });
    }
}
