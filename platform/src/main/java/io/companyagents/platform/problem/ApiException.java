package io.companyagents.platform.problem;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A failure the client caused or must know about, answered as problem+json with a stable
 * {@code code}. Services throw it (or a factory's result); {@link ProblemMappers} renders it.
 */
public class ApiException extends RuntimeException {

    private final int status;
    private final String code;
    private final String title;
    private final List<FieldError> errors;
    private final Map<String, Object> extensions;

    public ApiException(int status, String code, String title, String detail) {
        this(status, code, title, detail, List.of(), Map.of());
    }

    public ApiException(int status, String code, String title, String detail, List<FieldError> errors,
                        Map<String, Object> extensions) {
        super(detail, null, false, false);
        this.status = status;
        this.code = code;
        this.title = title;
        this.errors = List.copyOf(errors);
        this.extensions = new LinkedHashMap<>(extensions);
    }

    public static ApiException notFound(String what) {
        return new ApiException(404, "not_found", "Not Found", what + " not found");
    }

    public static ApiException forbidden(String detail) {
        return new ApiException(403, "forbidden", "Forbidden", detail);
    }

    public static ApiException conflict(String code, String detail) {
        return new ApiException(409, code, "Conflict", detail);
    }

    public static ApiException badRequest(String code, String detail) {
        return new ApiException(400, code, "Bad Request", detail);
    }

    public static ApiException validation(List<FieldError> errors) {
        return new ApiException(400, "validation_failed", "Validation Failed",
                "the request has " + errors.size() + " invalid field(s)", errors, Map.of());
    }

    public static ApiException validation(String field, String message) {
        return validation(List.of(new FieldError(field, message)));
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public String title() {
        return title;
    }

    public List<FieldError> errors() {
        return errors;
    }

    public Map<String, Object> extensions() {
        return extensions;
    }

    public record FieldError(String field, String message) {
    }
}
