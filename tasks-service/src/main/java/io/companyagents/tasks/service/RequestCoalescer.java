package io.companyagents.tasks.service;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

/**
 * Serves requests that arrive while an earlier batch with the same key is still in flight as one
 * batch. A request that finds its key idle goes at once, so a quiet system waits for nothing; under
 * load the requests queue behind the batch in flight and go together when it ends, up to
 * {@code maxBatch} at a time. One batch per key is in flight at a time (per instance: several
 * replicas each run their own).
 * <p>
 * The runner answers one {@code Uni} per request, in order: its value, its own failure, or work
 * still to do for it alone (subscribed once the batch has ended, outside the key's turn). A runner
 * that fails fails every request of the batch. Each answer is delivered on the Vert.x context the
 * request was submitted from, where its request scope lives.
 */
public final class RequestCoalescer<K, T, R> {

    private final int maxBatch;
    private final BiFunction<K, List<T>, Uni<List<Uni<R>>>> runner;
    private final ConcurrentHashMap<K, Lane> lanes = new ConcurrentHashMap<>();

    public RequestCoalescer(int maxBatch, BiFunction<K, List<T>, Uni<List<Uni<R>>>> runner) {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be at least 1");
        }
        this.maxBatch = maxBatch;
        this.runner = runner;
    }

    public Uni<R> submit(K key, T item) {
        return Uni.createFrom().emitter(emitter -> {
            Waiter<T, R> waiter = new Waiter<>(item, emitter, Vertx.currentContext());
            while (true) {
                Lane lane = lanes.computeIfAbsent(key, Lane::new);
                List<Waiter<T, R>> batch;
                synchronized (lane) {
                    if (lane.retired) {
                        continue; // went idle and left the map after we found it: take the new one
                    }
                    lane.queue.add(waiter);
                    if (lane.busy) {
                        return; // goes with the next batch
                    }
                    lane.busy = true;
                    batch = lane.take(maxBatch);
                }
                run(lane, batch);
                return;
            }
        });
    }

    /** An answer for each of {@code size} requests that is null: "nothing done here", for the caller to go on. */
    public static <R> List<Uni<R>> nullAnswers(int size) {
        List<Uni<R>> answers = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            answers.add(Uni.createFrom().nullItem());
        }
        return answers;
    }

    /** Requests queued behind a batch in flight, over every key. */
    public int waiting() {
        int n = 0;
        for (Lane lane : lanes.values()) {
            synchronized (lane) {
                n += lane.queue.size();
            }
        }
        return n;
    }

    /** Keys with a batch in flight or requests waiting (for tests and gauges). */
    int activeKeys() {
        return lanes.size();
    }

    private void run(Lane lane, List<Waiter<T, R>> batch) {
        List<T> items = new ArrayList<>(batch.size());
        batch.forEach(w -> items.add(w.item()));
        Uni<List<Uni<R>>> answers;
        try {
            answers = runner.apply(lane.key, items);
        } catch (RuntimeException e) {
            answers = Uni.createFrom().failure(e);
        }
        answers.subscribe().with(results -> {
            next(lane);
            if (results == null || results.size() != batch.size()) {
                IllegalStateException wrong = new IllegalStateException("the batch runner answered "
                        + (results == null ? "nothing" : results.size() + " results") + " for " + batch.size() + " requests");
                batch.forEach(w -> w.fail(wrong));
                return;
            }
            for (int i = 0; i < batch.size(); i++) {
                Waiter<T, R> w = batch.get(i);
                Uni<R> result = results.get(i);
                if (result == null) {
                    w.fail(new IllegalStateException("the batch runner left a request unanswered"));
                } else {
                    result.subscribe().with(w::complete, w::fail);
                }
            }
        }, failure -> {
            next(lane);
            batch.forEach(w -> w.fail(failure));
        });
    }

    /** Starts the lane's next batch, or retires the lane when nothing waits. */
    private void next(Lane lane) {
        List<Waiter<T, R>> batch;
        synchronized (lane) {
            if (lane.queue.isEmpty()) {
                lane.busy = false;
                lane.retired = true;
                lanes.remove(lane.key, lane);
                return;
            }
            batch = lane.take(maxBatch);
        }
        run(lane, batch);
    }

    private final class Lane {
        final K key;
        final ArrayDeque<Waiter<T, R>> queue = new ArrayDeque<>();
        boolean busy;
        boolean retired;

        Lane(K key) {
            this.key = key;
        }

        List<Waiter<T, R>> take(int max) {
            List<Waiter<T, R>> batch = new ArrayList<>(Math.min(max, queue.size()));
            while (batch.size() < max && !queue.isEmpty()) {
                batch.add(queue.poll());
            }
            return batch;
        }
    }

    private record Waiter<T, R>(T item, UniEmitter<? super R> emitter, Context context) {

        void complete(R value) {
            onContext(() -> emitter.complete(value));
        }

        void fail(Throwable failure) {
            onContext(() -> emitter.fail(failure));
        }

        private void onContext(Runnable action) {
            if (context == null || Vertx.currentContext() == context) {
                action.run();
            } else {
                context.runOnContext(ignored -> action.run());
            }
        }
    }
}
