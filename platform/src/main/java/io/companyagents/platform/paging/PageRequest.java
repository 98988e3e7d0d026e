package io.companyagents.platform.paging;

import io.companyagents.platform.problem.ApiException;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;

/**
 * Keyset pagination: {@code ?limit=} (1..200, default 50) and an opaque {@code ?cursor=} that
 * encodes the sort key of the last item served. Fetch {@link #fetchSize()} rows after the
 * cursor's key and hand them to {@link #page}.
 */
public record PageRequest(int limit, String after) {

    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 200;

    public static PageRequest of(Integer limit, String cursor) {
        int effective = limit == null ? DEFAULT_LIMIT : limit;
        if (effective < 1 || effective > MAX_LIMIT) {
            throw ApiException.validation("limit", "must be between 1 and " + MAX_LIMIT);
        }
        return new PageRequest(effective, cursor == null || cursor.isBlank() ? null : decode(cursor));
    }

    /** One more than the limit, to learn whether a next page exists without counting. */
    public int fetchSize() {
        return limit + 1;
    }

    public <T> Page<T> page(List<T> fetched, Function<T, String> sortKey) {
        if (fetched.size() <= limit) {
            return new Page<>(List.copyOf(fetched), null);
        }
        List<T> items = List.copyOf(fetched.subList(0, limit));
        return new Page<>(items, encode(sortKey.apply(items.get(items.size() - 1))));
    }

    /** The cursor's key as a UUID (lists ordered by UUIDv7 id). */
    public java.util.UUID afterId() {
        try {
            return after == null ? null : java.util.UUID.fromString(after);
        } catch (IllegalArgumentException e) {
            throw ApiException.validation("cursor", "is not a cursor this API issued");
        }
    }

    /** The cursor's key as a number (lists ordered by a sequence). */
    public Long afterSeq() {
        try {
            return after == null ? null : Long.valueOf(after);
        } catch (NumberFormatException e) {
            throw ApiException.validation("cursor", "is not a cursor this API issued");
        }
    }

    public static String encode(String key) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(key.getBytes(StandardCharsets.UTF_8));
    }

    static String decode(String cursor) {
        try {
            return new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw ApiException.validation("cursor", "is not a cursor this API issued");
        }
    }
}
