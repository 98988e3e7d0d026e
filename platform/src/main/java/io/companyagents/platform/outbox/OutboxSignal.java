package io.companyagents.platform.outbox;

import jakarta.enterprise.context.ApplicationScoped;

import java.util.concurrent.atomic.AtomicLong;

/**
 * In-process "an outbox row was just written" signal, so this replica's relay publishes within
 * milliseconds of a commit. Deliberately not NOTIFY: a transaction that notifies takes a global
 * lock through its commit, which serialises every writer's WAL flush and caps the write rate.
 */
@ApplicationScoped
public class OutboxSignal {

    private final AtomicLong lastAppend = new AtomicLong();

    void appended() {
        lastAppend.set(System.nanoTime());
    }

    long lastAppendNanos() {
        return lastAppend.get();
    }
}
