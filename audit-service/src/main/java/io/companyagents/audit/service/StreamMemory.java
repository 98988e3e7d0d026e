package io.companyagents.audit.service;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What the appender has committed and the stream relay has not published yet, kept so the relay
 * need not read it back from {@code audit_events}; and which chains have an append under way.
 * <p>
 * Only committed events are handed over, so any event here whose seq is at most the head the
 * relay reads under its lock is the stored one. The relay takes, per chain, the events that follow
 * its published seq without a gap; anything else (a gap, memory full, events of another replica) it
 * reads back. An append under way that already committed may be visible to the relay before its
 * events are handed over; {@link Recall#appending()} tells the relay to leave such a chain to the
 * wake-up that follows the hand-over instead of reading it back.
 * <p>
 * Bounded: past {@code limit} events, new ones are not kept (they are read back). A chain left
 * untouched for {@code idle} is forgotten, as is an append that never reported back.
 */
final class StreamMemory {

    /** A chain's events that follow its published seq without a gap, and whether an append to it is under way. */
    record Recall(List<AuditStreamRelay.Chained> run, boolean appending) {
    }

    private static final class Chain {
        final ArrayDeque<AuditStreamRelay.Chained> events = new ArrayDeque<>();
        int appending;
        long touched;
    }

    private final int limit;
    private final long idleNanos;
    private final Map<UUID, Chain> chains = new HashMap<>();
    private int size;

    StreamMemory(int limit, Duration idle) {
        this.limit = limit;
        this.idleNanos = idle.toNanos();
    }

    /** An append to these chains starts. */
    synchronized void appending(Collection<UUID> companies) {
        long now = System.nanoTime();
        for (UUID company : companies) {
            Chain chain = chains.computeIfAbsent(company, k -> new Chain());
            chain.appending++;
            chain.touched = now;
        }
    }

    /** The append to these chains committed these events (each chain's in seq order); none if all were there already. */
    synchronized void appended(Collection<UUID> companies, List<AuditStreamRelay.Chained> events) {
        boolean room = size + events.size() <= limit;
        if (room) {
            for (AuditStreamRelay.Chained e : events) {
                chains.computeIfAbsent(e.companyId(), k -> new Chain()).events.add(e);
            }
            size += events.size();
        }
        ended(companies);
    }

    /** The append to these chains did not commit (or its outcome is unknown). */
    synchronized void failed(Collection<UUID> companies) {
        ended(companies);
    }

    private void ended(Collection<UUID> companies) {
        long now = System.nanoTime();
        for (UUID company : companies) {
            Chain chain = chains.get(company);
            if (chain != null) {
                chain.appending = Math.max(0, chain.appending - 1);
                chain.touched = now;
                dropIfEmpty(company, chain);
            }
        }
    }

    /**
     * Takes the chain's events {@code published + 1 ..} without a gap, up to {@code head}; drops
     * those already published and keeps those after a gap or past the head.
     */
    synchronized Recall recall(UUID company, long published, long head) {
        Chain chain = chains.get(company);
        if (chain == null) {
            return new Recall(List.of(), false);
        }
        while (!chain.events.isEmpty() && chain.events.peekFirst().seq() <= published) {
            chain.events.pollFirst();
            size--;
        }
        List<AuditStreamRelay.Chained> run = new ArrayList<>();
        long next = published + 1;
        while (!chain.events.isEmpty() && next <= head && chain.events.peekFirst().seq() == next) {
            run.add(chain.events.pollFirst());
            size--;
            next++;
        }
        boolean appending = chain.appending > 0 && System.nanoTime() - chain.touched < idleNanos;
        dropIfEmpty(company, chain);
        return new Recall(run, appending);
    }

    /** Forgets chains untouched for the idle time: their events were published some other way, or will be read back. */
    synchronized void forgetIdle() {
        long now = System.nanoTime();
        chains.entrySet().removeIf(entry -> {
            Chain chain = entry.getValue();
            if (now - chain.touched < idleNanos) {
                return false;
            }
            size -= chain.events.size();
            return true;
        });
    }

    synchronized int size() {
        return size;
    }

    private void dropIfEmpty(UUID company, Chain chain) {
        if (chain.events.isEmpty() && chain.appending == 0) {
            chains.remove(company);
        }
    }
}
