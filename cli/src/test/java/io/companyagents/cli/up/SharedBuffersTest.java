package io.companyagents.cli.up;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The embedded Postgres's buffer cache: a sixteenth of the machine's memory, within bounds. */
class SharedBuffersTest {

    private static final long GIB = 1024L * 1024 * 1024;

    @Test
    void aSixteenthOfMemoryBetween128MbAnd1Gb() {
        assertEquals("128MB", PostgresServer.sharedBuffersFor(GIB), "a 1 GiB machine keeps Postgres's default");
        assertEquals("256MB", PostgresServer.sharedBuffersFor(4 * GIB));
        assertEquals("512MB", PostgresServer.sharedBuffersFor(8 * GIB));
        assertEquals("1024MB", PostgresServer.sharedBuffersFor(16 * GIB));
        assertEquals("1024MB", PostgresServer.sharedBuffersFor(64 * GIB), "never more than 1 GB");
    }
}
