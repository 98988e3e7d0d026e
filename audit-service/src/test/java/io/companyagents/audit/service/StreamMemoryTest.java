package io.companyagents.audit.service;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the stream relay may publish from memory, and when it must read the trail back instead. */
class StreamMemoryTest {

    private static final UUID A = UUID.randomUUID();
    private static final UUID B = UUID.randomUUID();

    private static List<AuditStreamRelay.Chained> events(UUID company, long from, long to) {
        List<AuditStreamRelay.Chained> out = new ArrayList<>();
        for (long seq = from; seq <= to; seq++) {
            out.add(new AuditStreamRelay.Chained(company, seq, UUID.randomUUID(), "t", "/s", OffsetDateTime.now(), "system",
                    "x", "task", "t" + seq, "{}", "p" + seq, "h" + seq));
        }
        return out;
    }

    private static List<Long> seqs(StreamMemory.Recall recall) {
        return recall.run().stream().map(AuditStreamRelay.Chained::seq).toList();
    }

    private static void append(StreamMemory memory, UUID company, long from, long to) {
        memory.appending(Set.of(company));
        memory.appended(Set.of(company), events(company, from, to));
    }

    @Test
    void committedEventsFollowingThePublishedSeqAreTakenOnceUpToTheHead() {
        StreamMemory memory = new StreamMemory(100, Duration.ofSeconds(30));
        append(memory, A, 1, 3);
        append(memory, A, 4, 5);
        append(memory, B, 1, 2);
        assertEquals(List.of(1L, 2L, 3L, 4L), seqs(memory.recall(A, 0, 4)), "not past the head the relay saw");
        assertEquals(List.of(5L), seqs(memory.recall(A, 4, 5)));
        assertEquals(List.of(), seqs(memory.recall(A, 5, 5)), "each event taken once");
        assertEquals(List.of(1L, 2L), seqs(memory.recall(B, 0, 2)), "chains are apart");
        assertEquals(0, memory.size());
    }

    @Test
    void aGapInMemoryIsNotBridged() {
        StreamMemory memory = new StreamMemory(100, Duration.ofSeconds(30));
        append(memory, A, 4, 6); // 1..3 were appended elsewhere (another replica, or before a restart)
        assertEquals(List.of(), seqs(memory.recall(A, 0, 6)), "1..3 must be read back first");
        assertEquals(List.of(5L, 6L), seqs(memory.recall(A, 4, 6)), "what was published meanwhile is dropped");
        assertEquals(0, memory.size());
    }

    @Test
    void aCommittedAppendNotYetHandedOverIsWaitedForAndAFailedOneIsNot() {
        StreamMemory memory = new StreamMemory(100, Duration.ofSeconds(30));
        append(memory, A, 1, 2);
        memory.appending(Set.of(A));
        StreamMemory.Recall seen = memory.recall(A, 0, 4); // 3..4 committed, not handed over yet
        assertEquals(List.of(1L, 2L), seqs(seen));
        assertTrue(seen.appending(), "the rest is on its way: no read back");
        memory.appended(Set.of(A), events(A, 3, 4));
        StreamMemory.Recall next = memory.recall(A, 2, 4);
        assertEquals(List.of(3L, 4L), seqs(next));
        assertFalse(next.appending());

        memory.appending(Set.of(A));
        memory.failed(Set.of(A));
        StreamMemory.Recall afterFailure = memory.recall(A, 4, 5);
        assertEquals(List.of(), seqs(afterFailure));
        assertFalse(afterFailure.appending(), "nothing will be handed over: read back");
    }

    @Test
    void pastItsLimitMemoryKeepsNothingNewAndTheRelayReadsBack() {
        StreamMemory memory = new StreamMemory(5, Duration.ofSeconds(30));
        append(memory, A, 1, 4);
        append(memory, A, 5, 8); // would pass the limit: not kept
        assertEquals(4, memory.size());
        StreamMemory.Recall recall = memory.recall(A, 0, 8);
        assertEquals(List.of(1L, 2L, 3L, 4L), seqs(recall));
        assertFalse(recall.appending(), "5..8 are to be read back");
    }

    @Test
    void chainsLeftIdleAreForgotten() throws Exception {
        StreamMemory memory = new StreamMemory(100, Duration.ofMillis(50));
        append(memory, A, 1, 3);
        memory.appending(Set.of(B)); // an append that never reports back
        Thread.sleep(80);
        assertFalse(memory.recall(B, 0, 1).appending(), "an append silent for the idle time is not waited for");
        memory.forgetIdle();
        assertEquals(0, memory.size());
        assertEquals(List.of(), seqs(memory.recall(A, 0, 3)));
    }
}
