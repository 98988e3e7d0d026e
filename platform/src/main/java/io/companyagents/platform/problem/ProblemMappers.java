package io.companyagents.platform.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.companyagents.platform.id.Ids;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.Path;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The one place where exceptions become problem+json. No stack trace, SQL or exception
 * message of an unexpected failure ever reaches the client; it is logged with a reference.
 */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @ServerExceptionMapper
    public Response api(ApiException e) {
        return Problem.response(e.status(), e.code(), e.title(), e.getMessage(), e.errors(), e.extensions());
    }

    @ServerExceptionMapper
    public Response constraint(ConstraintViolationException e) {
        List<ApiException.FieldError> errors = e.getConstraintViolations().stream()
                .map(v -> new ApiException.FieldError(fieldOf(v), v.getMessage()))
                .sorted(Comparator.comparing(ApiException.FieldError::field))
                .collect(Collectors.toList());
        return api(ApiException.validation(errors));
    }

    @ServerExceptionMapper
    public Response unknownField(UnrecognizedPropertyException e) {
        return api(ApiException.validation(path(e), "unknown field"));
    }

    @ServerExceptionMapper
    public Response invalidFormat(InvalidFormatException e) {
        return api(ApiException.validation(path(e), "invalid value"));
    }

    @ServerExceptionMapper
    public Response mismatched(com.fasterxml.jackson.databind.exc.MismatchedInputException e) {
        // more specific than Quarkus' built-in mapper for this type, so bodies of the wrong shape stay problem+json
        return json400(e);
    }

    @ServerExceptionMapper
    public Response json(JsonProcessingException e) {
        return json400(e);
    }

    @ServerExceptionMapper
    public Response unauthorized(UnauthorizedException e) {
        return Problem.response(401, "unauthorized", "Unauthorized", "a valid credential is required");
    }

    @ServerExceptionMapper
    public Response authenticationFailed(AuthenticationFailedException e) {
        return Problem.response(401, "unauthorized", "Unauthorized", "a valid credential is required");
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        return Problem.response(403, "forbidden", "Forbidden", "this credential may not do that");
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        if (e.getCause() instanceof JsonProcessingException json) {
            return json400(json);
        }
        int status = e.getResponse() == null ? 500 : e.getResponse().getStatus();
        if (status >= 500) {
            return unexpected(e);
        }
        Response.Status known = Response.Status.fromStatusCode(status);
        String title = known == null ? "Error" : known.getReasonPhrase();
        String code = title.toLowerCase().replaceAll("[^a-z0-9]+", "_");
        return Problem.response(status, code, title, null);
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ApiException api) {
                return api(api);
            }
            if (t instanceof io.vertx.pgclient.PgException pg && "23505".equals(pg.getSqlState())) {
                // a unique constraint caught a race the service's own check could not
                return Problem.response(409, "already_exists", "Conflict", "an object with these unique values already exists");
            }
        }
        String reference = Ids.newId().toString();
        LOG.errorf(e, "unexpected failure, reference %s", reference);
        return Problem.response(500, "internal_error", "Internal Server Error",
                "an unexpected error occurred; reference " + reference, List.of(), Map.of("reference", reference));
    }

    private Response json400(JsonProcessingException e) {
        if (e instanceof UnrecognizedPropertyException u) {
            return unknownField(u);
        }
        if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
            return api(ApiException.validation(path(m), "invalid value"));
        }
        return Problem.response(400, "malformed_json", "Bad Request", "the request body is not valid JSON");
    }

    private static String path(JsonMappingException e) {
        return e.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
    }

    private static String fieldOf(ConstraintViolation<?> v) {
        // method.parameter.field → field; a violation on the body itself → "body"
        String last = null;
        int depth = 0;
        for (Path.Node node : v.getPropertyPath()) {
            depth++;
            if (depth > 2 && node.getName() != null) {
                last = last == null ? node.getName() : last + "." + node.getName();
            }
        }
        if (last != null) {
            return last;
        }
        String leaf = null;
        for (Path.Node node : v.getPropertyPath()) {
            leaf = node.getName();
        }
        return leaf == null ? "body" : leaf;
    }
}
