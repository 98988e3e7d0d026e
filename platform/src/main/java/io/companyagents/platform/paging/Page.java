package io.companyagents.platform.paging;

import java.util.List;

/** A page of a list: {@code {items, nextCursor}}; {@code nextCursor} is null on the last page. */
public record Page<T>(List<T> items, String nextCursor) {
}
