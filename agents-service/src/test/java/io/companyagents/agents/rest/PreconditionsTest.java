package io.companyagents.agents.rest;

import io.companyagents.platform.problem.ApiException;
import org.junit.jupiter.api.Test;

import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PreconditionsTest {

    @Test
    void aMissingIfMatchIs428() {
        assertEquals(428, assertThrows(ApiException.class, () -> Preconditions.expectedVersion(null)).status());
        assertEquals(428, assertThrows(ApiException.class, () -> Preconditions.expectedVersion(" ")).status());
    }

    @Test
    void theETagIsReadStrongWeakOrBareAndStarMatchesAnything() {
        assertEquals(OptionalLong.of(3), Preconditions.expectedVersion("\"3\""));
        assertEquals(OptionalLong.of(3), Preconditions.expectedVersion("W/\"3\""));
        assertEquals(OptionalLong.of(3), Preconditions.expectedVersion("3"));
        assertEquals(OptionalLong.empty(), Preconditions.expectedVersion("*"));
        assertDoesNotThrow(() -> Preconditions.check(OptionalLong.empty(), 42));
    }

    @Test
    void aTagThatIsNoVersionOrAnotherVersionIs412() {
        assertEquals(412, assertThrows(ApiException.class, () -> Preconditions.expectedVersion("\"abc\"")).status());
        ApiException stale = assertThrows(ApiException.class, () -> Preconditions.check(OptionalLong.of(1), 2));
        assertEquals("precondition_failed", stale.code());
    }
}
