package io.companyagents.agents.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.companyagents.platform.problem.ApiException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;

import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Request bodies the JAX-RS binding cannot read as we need: merge patches (which members were
 * sent matters) and optional bodies of actions. Unknown and read-only members are refused (400)
 * here as everywhere.
 */
@ApplicationScoped
public class RequestBodies {

    @Inject
    ObjectMapper mapper;

    @Inject
    Validator validator;

    /**
     * Reads a merge patch. Only the members present are validated, so a constraint such as
     * {@code @NotBlank} means "if you send it, it must not be blank".
     */
    public <T> Patch<T> patch(ObjectNode body, Class<T> type) throws JsonProcessingException {
        if (body == null) {
            throw ApiException.badRequest("malformed_json", "the request body must be a JSON object");
        }
        T values = mapper.treeToValue(body, type);
        Set<String> present = new LinkedHashSet<>();
        body.fieldNames().forEachRemaining(present::add);
        check(present.stream().flatMap(member -> validator.validateProperty(values, member).stream()).toList());
        return new Patch<>(values, Set.copyOf(present));
    }

    /** Reads an action's optional JSON body: none at all (whatever the Content-Type) is {@code null}. */
    public <T> T optional(String body, Class<T> type) throws JsonProcessingException {
        if (body == null || body.isBlank()) {
            return null;
        }
        T value = mapper.readValue(body, type);
        if (value != null) {
            check(validator.validate(value));
        }
        return value;
    }

    private static <T> void check(Collection<ConstraintViolation<T>> violations) {
        List<ApiException.FieldError> errors = violations.stream()
                .map(v -> new ApiException.FieldError(field(v), v.getMessage()))
                .sorted(Comparator.comparing(ApiException.FieldError::field))
                .toList();
        if (!errors.isEmpty()) {
            throw ApiException.validation(errors);
        }
    }

    private static String field(ConstraintViolation<?> v) {
        // capabilities[0].<list element> → capabilities[0]
        return v.getPropertyPath().toString().replaceAll("\\.<[^>]+>", "");
    }
}
