package io.companyagents.platform.outbox;

import io.smallrye.mutiny.Uni;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Runs a relay's drain one at a time, however often it is woken: a wake-up during a drain is
 * remembered and answered by one more drain when it ends, and a drain that filled its batch
 * is followed by another at once. A few milliseconds of linger before each drain gather the
 * commits of a busy moment into one batch. A failed drain is logged and left to the next
 * wake-up (the owners' timers), so nothing is lost, only delayed.
 */
public final class DrainLoop {

    private static final Logger LOG = Logger.getLogger(DrainLoop.class);

    private final String name;
    private final Duration linger;
    private final int batchSize;
    private final Supplier<Uni<Integer>> drain;
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicBoolean wakeAgain = new AtomicBoolean();
    private volatile boolean stopped;

    /**
     * @param name      what drains, for the log
     * @param linger    how long a wake-up waits before draining
     * @param batchSize a drain answering this many items is followed by another at once
     * @param drain     one drain, answering how many items it moved
     */
    public DrainLoop(String name, Duration linger, int batchSize, Supplier<Uni<Integer>> drain) {
        this.name = name;
        this.linger = linger;
        this.batchSize = batchSize;
        this.drain = drain;
    }

    /** Asks for a drain; coalesces wake-ups while one is running. */
    public void wake() {
        if (stopped) {
            return;
        }
        if (!draining.compareAndSet(false, true)) {
            wakeAgain.set(true);
            return;
        }
        wakeAgain.set(false);
        Uni<Integer> once = linger.isZero() ? Uni.createFrom().deferred(drain::get)
                : Uni.createFrom().voidItem().onItem().delayIt().by(linger).chain(drain::get);
        once.subscribe().with(moved -> {
            draining.set(false);
            if (moved >= batchSize || wakeAgain.getAndSet(false)) {
                wake();
            }
        }, failure -> {
            draining.set(false);
            LOG.warnf("%s failed, will retry: %s", name, failure.getMessage());
        });
    }

    /** No drain starts after this. */
    public void stop() {
        stopped = true;
    }
}
