package io.companyagents.agents.rest;

import java.util.Set;

/**
 * A JSON merge patch (RFC 7396) read into a typed record: {@code values} holds what was sent,
 * {@code present} which members were sent at all, so that an absent member leaves a field alone
 * and an explicit {@code null} clears it.
 */
public record Patch<T>(T values, Set<String> present) {

    public boolean has(String member) {
        return present.contains(member);
    }
}
