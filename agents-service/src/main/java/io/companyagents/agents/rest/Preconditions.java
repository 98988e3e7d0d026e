package io.companyagents.agents.rest;

import io.companyagents.platform.problem.ApiException;
import jakarta.ws.rs.core.EntityTag;

import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Optimistic concurrency over HTTP: every representation carries its version as a strong
 * {@code ETag}, and a change must name the version it was based on in {@code If-Match}.
 */
public final class Preconditions {

    private static final Pattern TAG = Pattern.compile("\\s*(?:W/)?\"?(\\d{1,18})\"?\\s*");

    private Preconditions() {
    }

    public static EntityTag etag(long version) {
        return new EntityTag(Long.toString(version));
    }

    /**
     * The version the client expects, or empty for {@code If-Match: *} (any current version).
     * A missing header is 428; a value that is no version of ours can never match, so it is 412.
     */
    public static OptionalLong expectedVersion(String ifMatch) {
        if (ifMatch == null || ifMatch.isBlank()) {
            throw new ApiException(428, "precondition_required", "Precondition Required",
                    "send If-Match with the ETag of the version you are changing");
        }
        if ("*".equals(ifMatch.trim())) {
            return OptionalLong.empty();
        }
        Matcher m = TAG.matcher(ifMatch);
        if (!m.matches()) {
            throw failed();
        }
        return OptionalLong.of(Long.parseLong(m.group(1)));
    }

    /** Refuses the change unless the current version is the one the client saw. */
    public static void check(OptionalLong expected, long current) {
        if (expected.isPresent() && expected.getAsLong() != current) {
            throw failed();
        }
    }

    public static ApiException failed() {
        return new ApiException(412, "precondition_failed", "Precondition Failed",
                "the resource has changed since the version named in If-Match; fetch it again");
    }
}
