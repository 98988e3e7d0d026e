package io.companyagents.platform.problem;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** RFC 9457 problem details with our stable {@code code}; built as an ordered map so extensions sit at top level. */
public final class Problem {

    public static final String MEDIA_TYPE = "application/problem+json";
    public static final MediaType MEDIA = MediaType.valueOf(MEDIA_TYPE);
    private static final String TYPE_PREFIX = "urn:company-agents:problem:";

    private Problem() {
    }

    public static Map<String, Object> body(int status, String code, String title, String detail,
                                           List<ApiException.FieldError> errors, Map<String, Object> extensions) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", TYPE_PREFIX + code);
        body.put("title", title);
        body.put("status", status);
        if (detail != null) {
            body.put("detail", detail);
        }
        body.put("code", code);
        if (errors != null && !errors.isEmpty()) {
            body.put("errors", errors);
        }
        if (extensions != null) {
            extensions.forEach(body::putIfAbsent);
        }
        return body;
    }

    public static Response response(int status, String code, String title, String detail) {
        return response(status, code, title, detail, List.of(), Map.of());
    }

    public static Response response(int status, String code, String title, String detail,
                                    List<ApiException.FieldError> errors, Map<String, Object> extensions) {
        return Response.status(status).type(MEDIA)
                .entity(body(status, code, title, detail, errors, extensions)).build();
    }
}
