package io.companyagents.platform.idempotency;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.companyagents.platform.problem.ApiException;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;
import java.util.function.Function;

/**
 * {@code Idempotency-Key} for creating POSTs. The key row is inserted first in the creating
 * transaction: a concurrent retry waits on it and then replays the committed answer; a retry
 * with a different body gets 422 {@code idempotency_key_reused}. A failed creation rolls the
 * key back with everything else, so the client may retry.
 */
@ApplicationScoped
public class Idempotency {

    public static final String HEADER = "Idempotency-Key";

    @Inject
    Pool pool;

    @Inject
    ObjectMapper mapper;

    /** What a creation answers: its status and JSON body. */
    public record Created(int status, Object body) {
    }

    /**
     * Runs {@code create} in one transaction with the key (when one was given) and answers the
     * response — the stored one for a replay.
     */
    public Uni<Response> create(UUID companyId, String key, String method, String path, Object request,
                                Function<SqlConnection, Uni<Created>> create) {
        if (key == null) {
            return pool.withTransaction(create).map(this::toResponse);
        }
        if (key.isBlank() || key.length() > 200) {
            throw ApiException.validation(HEADER, "must be 1 to 200 characters");
        }
        String hash = hash(method + " " + path + "\n" + json(request));
        return pool.withTransaction(tx -> tx
                .preparedQuery("insert into idempotency_keys (company_id, idem_key, request_hash) values ($1, $2, $3)"
                        + " on conflict do nothing")
                .execute(Tuple.of(companyId, key, hash))
                .chain(inserted -> {
                    if (inserted.rowCount() == 1) {
                        return create.apply(tx).call(created -> tx
                                .preparedQuery("update idempotency_keys set response_status = $3, response_body = $4"
                                        + " where company_id = $1 and idem_key = $2")
                                .execute(Tuple.of(companyId, key, created.status(), json(created.body()))))
                                .map(this::toResponse);
                    }
                    return tx.preparedQuery("select request_hash, response_status, response_body from idempotency_keys"
                                    + " where company_id = $1 and idem_key = $2")
                            .execute(Tuple.of(companyId, key))
                            .map(rows -> {
                                var row = rows.iterator().next();
                                if (!hash.equals(row.getString("request_hash"))) {
                                    throw new ApiException(422, "idempotency_key_reused", "Unprocessable Content",
                                            "this Idempotency-Key was used with a different request");
                                }
                                if (row.getInteger("response_status") == null) {
                                    throw ApiException.conflict("idempotency_in_progress",
                                            "the first request with this Idempotency-Key is still running");
                                }
                                return Response.status(row.getInteger("response_status"))
                                        .type(MediaType.APPLICATION_JSON)
                                        .header("Idempotent-Replayed", "true")
                                        .entity(row.getString("response_body")).build();
                            });
                }));
    }

    private Response toResponse(Created created) {
        return Response.status(created.status()).type(MediaType.APPLICATION_JSON).entity(created.body()).build();
    }

    private String json(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hash(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
