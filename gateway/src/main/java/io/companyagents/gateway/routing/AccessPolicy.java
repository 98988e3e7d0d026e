package io.companyagents.gateway.routing;

import io.companyagents.gateway.auth.Identity;

import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * What a key may reach, decided at the front door before any service sees the request (the
 * services check again): the company comes only from the key, so another company's path is
 * "not found"; a viewer only reads; an agent key reaches only what an agent's work needs; admin
 * operations are for the admin key.
 */
public final class AccessPolicy {

    /** A refusal: status, stable code, detail. */
    public record Refusal(int status, String code, String detail) {
    }

    private static final Pattern COMPANY_PATH = Pattern.compile("^/api/v1/companies/([^/]+)(/.*)?$");
    private static final String ID = "[^/]+";
    /** Writes an agent key may make (path after {@code /api/v1/companies/{companyId}}). */
    private static final List<Pattern> AGENT_WRITES = List.of(
            Pattern.compile("^/claims$"),
            Pattern.compile("^/tasks$"),
            Pattern.compile("^/tasks/" + ID + "/(claim|comments|actions/" + ID + ")$"),
            Pattern.compile("^/leases/" + ID + "/heartbeat$"),
            Pattern.compile("^/runs/" + ID + "/(finish|events)$"),
            Pattern.compile("^/cost-entries$"),
            Pattern.compile("^/memory-scopes(/" + ID + "/entries(/search)?)?$"),
            Pattern.compile("^/agents/" + ID + "/journal$"),
            Pattern.compile("^/notifications(/" + ID + "/ack)?$"),
            Pattern.compile("^/secrets/" + ID + "/reveal$"),
            Pattern.compile("^/approvals$"));
    /** Reads an agent key may not make. */
    private static final List<Pattern> AGENT_HIDDEN_READS = List.of(Pattern.compile("^/keys$"));

    private AccessPolicy() {
    }

    public static Optional<Refusal> check(Identity who, String method, String path) {
        boolean read = method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS");
        if ("admin".equals(who.actorType())) {
            return Optional.empty();
        }
        if (path.startsWith("/api/v1/admin/") || (path.equals("/api/v1/keys") && !read)) {
            return Optional.of(new Refusal(403, "forbidden", "only an admin key may do this"));
        }
        var m = COMPANY_PATH.matcher(path);
        String rest = null;
        if (m.matches()) {
            UUID pathCompany = parse(m.group(1));
            if (pathCompany == null || !pathCompany.equals(who.companyId())) {
                return Optional.of(new Refusal(404, "not_found", "company " + m.group(1) + " not found"));
            }
            rest = m.group(2) == null ? "" : m.group(2);
        } else if (path.equals("/api/v1/companies") && !read) {
            return Optional.of(new Refusal(403, "forbidden", "only an admin key creates companies"));
        }
        if ("board".equals(who.actorType()) && "viewer".equals(who.role()) && !read) {
            return Optional.of(new Refusal(403, "forbidden", "a viewer key is read-only"));
        }
        if ("agent".equals(who.actorType())) {
            String companyRest = rest;
            if (rest != null && read && AGENT_HIDDEN_READS.stream().anyMatch(p -> p.matcher(companyRest).matches())) {
                return Optional.of(new Refusal(403, "forbidden", "an agent key may not list keys"));
            }
            if (!read && (rest == null || AGENT_WRITES.stream().noneMatch(p -> p.matcher(companyRest).matches()))) {
                return Optional.of(new Refusal(403, "forbidden", "an agent key may not do this"));
            }
        }
        return Optional.empty();
    }

    private static UUID parse(String s) {
        try {
            return UUID.fromString(s);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
