package io.companyagents.tasks.service;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.helpers.test.UniAssertSubscriber;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/** How requests are gathered into batches: alone when the key is idle, together behind a batch in flight. */
class RequestCoalescerTest {

    /** A runner whose batches end when the test says so, answering each item doubled. */
    private static final class HeldRunner {
        final List<List<Integer>> batches = new CopyOnWriteArrayList<>();
        final List<CompletableFuture<Void>> gates = new CopyOnWriteArrayList<>();

        Uni<List<Uni<Integer>>> run(String key, List<Integer> items) {
            batches.add(List.copyOf(items));
            CompletableFuture<Void> gate = new CompletableFuture<>();
            gates.add(gate);
            return Uni.createFrom().completionStage(gate).map(ignored -> {
                List<Uni<Integer>> out = new ArrayList<>();
                for (Integer i : items) {
                    out.add(i < 0 ? Uni.createFrom().failure(new IllegalArgumentException("negative " + i))
                            : Uni.createFrom().item(i * 2));
                }
                return out;
            });
        }

        void release(int batch) {
            gates.get(batch).complete(null);
        }
    }

    private static UniAssertSubscriber<Integer> submit(RequestCoalescer<String, Integer, Integer> c, String key, int item) {
        return c.submit(key, item).subscribe().withSubscriber(UniAssertSubscriber.create());
    }

    @Test
    void aRequestOnAnIdleKeyGoesAtOnceAndThoseArrivingMeanwhileGoTogetherNext() {
        HeldRunner runner = new HeldRunner();
        RequestCoalescer<String, Integer, Integer> c = new RequestCoalescer<>(3, runner::run);

        var first = submit(c, "a", 1);
        assertEquals(List.of(List.of(1)), runner.batches, "the first request does not wait for company");
        var queued = new ArrayList<UniAssertSubscriber<Integer>>();
        for (int i = 2; i <= 6; i++) {
            queued.add(submit(c, "a", i));
        }
        var otherKey = submit(c, "b", 100);
        assertEquals(List.of(List.of(1), List.of(100)), runner.batches, "another key has its own turn; 'a' waits for its batch");

        runner.release(0);
        first.awaitItem().assertItem(2);
        assertEquals(List.of(2, 3, 4), runner.batches.get(2), "the next batch takes the waiting requests, in order, up to the most");
        runner.release(2);
        assertEquals(List.of(5, 6), runner.batches.get(3), "and the rest after it");
        runner.release(3);
        runner.release(1);
        for (int i = 0; i < queued.size(); i++) {
            queued.get(i).awaitItem().assertItem((i + 2) * 2);
        }
        otherKey.awaitItem().assertItem(200);
        assertEquals(0, c.activeKeys(), "idle keys are let go");

        submit(c, "a", 7);
        assertEquals(List.of(7), runner.batches.get(4), "an idle key starts afresh");
        runner.release(4);
    }

    @Test
    void oneRequestsFailureIsItsOwnAndAFailedBatchFailsOnlyItsRequests() {
        List<List<Integer>> seen = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> gate = new CompletableFuture<>();
        RequestCoalescer<String, Integer, Integer> c = new RequestCoalescer<>(8, (key, items) -> {
            seen.add(List.copyOf(items));
            if (items.contains(0)) {
                return Uni.createFrom().completionStage(gate).chain(() -> Uni.createFrom().failure(new IllegalStateException("batch broke")));
            }
            List<Uni<Integer>> out = new ArrayList<>();
            for (Integer i : items) {
                // a request the batch could not serve runs on its own afterwards
                out.add(i < 0 ? Uni.createFrom().failure(new IllegalArgumentException("negative"))
                        : i == 5 ? Uni.createFrom().deferred(() -> Uni.createFrom().item(55)) : Uni.createFrom().item(i));
            }
            return Uni.createFrom().item(out);
        });

        var broken = submit(c, "k", 0);
        var ok = submit(c, "k", 4);
        var bad = submit(c, "k", -1);
        var alone = submit(c, "k", 5);
        gate.complete(null);

        assertInstanceOf(IllegalStateException.class, broken.awaitFailure().getFailure());
        ok.awaitItem().assertItem(4);
        assertInstanceOf(IllegalArgumentException.class, bad.awaitFailure().getFailure());
        alone.awaitItem().assertItem(55);
        assertEquals(List.of(List.of(0), List.of(4, -1, 5)), seen);
    }
}
