package io.companyagents.platform.paging;

import io.companyagents.platform.problem.ApiException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PageRequestTest {

    @Test
    void limitDefaultsToFiftyAndIsBounded() {
        assertEquals(50, PageRequest.of(null, null).limit());
        assertEquals(400, assertThrows(ApiException.class, () -> PageRequest.of(0, null)).status());
        assertEquals(400, assertThrows(ApiException.class, () -> PageRequest.of(201, null)).status());
    }

    @Test
    void aFullPageCarriesTheCursorOfItsLastItemAndTheLastPageNone() {
        PageRequest first = PageRequest.of(2, null);
        Page<Integer> page = first.page(List.of(1, 2, 3), String::valueOf);
        assertEquals(List.of(1, 2), page.items());
        PageRequest next = PageRequest.of(2, page.nextCursor());
        assertEquals(2L, next.afterSeq());
        Page<Integer> last = next.page(List.of(3), String::valueOf);
        assertNull(last.nextCursor());
    }

    @Test
    void aForgedCursorIsAValidationError() {
        ApiException e = assertThrows(ApiException.class, () -> PageRequest.of(10, "not-base64!").afterId());
        assertEquals("validation_failed", e.code());
    }
}
