package io.companyagents.agents.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.companyagents.platform.idempotency.Idempotency;
import io.companyagents.platform.problem.ApiException;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.EntityTag;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * {@code Idempotency-Key} on every creating POST of this service, in the Hibernate Reactive
 * transaction that creates the object (the platform's {@link Idempotency} does the same on the
 * plain SQL pool, which this service does not write through). Same table, same rules:
 * <ul>
 * <li>same key, same request → the first answer again (status and body; {@code Location} and
 * {@code ETag} are rebuilt from the body), marked {@code Idempotent-Replayed: true};</li>
 * <li>same key, another request (body or endpoint) → 422 {@code idempotency_key_reused};</li>
 * <li>while the first request with the key is still running → 409 {@code idempotency_in_progress};</li>
 * <li>a creation that fails rolls its key back with it, so the client may retry.</li>
 * </ul>
 * Keys are per company; companies themselves are created in the installation's namespace.
 */
@ApplicationScoped
public class IdempotentCreate {

    public static final String HEADER = Idempotency.HEADER;
    /** Where keys of creations that belong to no company yet (companies themselves) live. */
    public static final UUID INSTALLATION = new UUID(0, 0);

    static final int MAX_KEY_LENGTH = 200;

    /** A transaction-scoped lock per key: the first request holds it until it commits or rolls back. */
    private static final String LOCK =
            "select pg_try_advisory_xact_lock(hashtext('agents.idempotency'), hashtext(?1))";
    private static final String FIND = "select request_hash, response_status, response_body from idempotency_keys"
            + " where company_id = ?1 and idem_key = ?2";
    private static final String INSERT = "insert into idempotency_keys (company_id, idem_key, request_hash,"
            + " response_status, response_body) values (?1, ?2, ?3, ?4, ?5)";

    @Inject
    ObjectMapper mapper;

    /** Fingerprints requests with map members in key order, so one JSON object always hashes alike. */
    private ObjectMapper canonical;

    @PostConstruct
    void init() {
        canonical = mapper.copy().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
    }

    /**
     * Creates the object in one transaction with its key (when a key was given) and answers 201
     * with its representation, {@code Location: path/{id}} and, when it has a version, its ETag.
     *
     * @param namespace the company the key belongs to ({@link #INSTALLATION} for companies)
     * @param path      the collection the POST went to; also part of the request's fingerprint
     * @param request   the request body, as read
     * @param create    creates the object and answers its representation (joins this transaction)
     */
    public <T> Uni<Response> create(UUID namespace, String key, String path, Object request, Supplier<Uni<T>> create) {
        if (key == null) {
            return Panache.withTransaction(create).map(view -> answer(201, json(view), path, false));
        }
        if (key.isBlank() || key.length() > MAX_KEY_LENGTH) {
            throw ApiException.validation(HEADER, "must be 1 to " + MAX_KEY_LENGTH + " characters");
        }
        String fingerprint = fingerprint(path, request);
        return Panache.withTransaction(() -> Panache.getSession().chain(session -> session
                .createNativeQuery(LOCK, Boolean.class).setParameter(1, namespace + "/" + key).getSingleResult()
                .chain(locked -> {
                    if (!locked) {
                        throw inProgress();
                    }
                    return session.createNativeQuery(FIND).setParameter(1, namespace).setParameter(2, key)
                            .getResultList();
                })
                .chain(found -> {
                    if (!found.isEmpty()) {
                        return Uni.createFrom().item(replay((Object[]) found.get(0), fingerprint, path));
                    }
                    return create.get().chain(view -> {
                        String body = json(view);
                        return session.createNativeQuery(INSERT).setParameter(1, namespace).setParameter(2, key)
                                .setParameter(3, fingerprint).setParameter(4, 201).setParameter(5, body)
                                .executeUpdate()
                                .replaceWith(() -> answer(201, body, path, false));
                    });
                })));
    }

    private Response replay(Object[] row, String fingerprint, String path) {
        if (!fingerprint.equals(row[0])) {
            throw new ApiException(422, "idempotency_key_reused", "Unprocessable Content",
                    "this Idempotency-Key was used with a different request");
        }
        if (row[1] == null) {
            throw inProgress();
        }
        return answer(((Number) row[1]).intValue(), (String) row[2], path, true);
    }

    private Response answer(int status, String body, String path, boolean replayed) {
        Response.ResponseBuilder response = Response.status(status).type(MediaType.APPLICATION_JSON).entity(body);
        try {
            JsonNode tree = mapper.readTree(body);
            if (tree.hasNonNull("id")) {
                response.location(URI.create(path + "/" + tree.get("id").asText()));
            }
            if (tree.path("version").isIntegralNumber()) {
                response.tag(new EntityTag(Long.toString(tree.get("version").asLong())));
            }
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored answer is not JSON", e);
        }
        if (replayed) {
            response.header("Idempotent-Replayed", "true");
        }
        return response.build();
    }

    private String json(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private String fingerprint(String path, Object request) {
        try {
            String canonicalBody = canonical.writeValueAsString(canonical.convertValue(request, Object.class));
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(("POST " + path + "\n" + canonicalBody).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (JsonProcessingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ApiException inProgress() {
        return ApiException.conflict("idempotency_in_progress",
                "the first request with this Idempotency-Key is still running; retry shortly");
    }
}
