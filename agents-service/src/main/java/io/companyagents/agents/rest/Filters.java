package io.companyagents.agents.rest;

import io.companyagents.platform.problem.ApiException;

import java.util.Arrays;
import java.util.stream.Collectors;

/** Query-parameter filters read strictly: an unknown value is a 400 naming the parameter. */
final class Filters {

    private Filters() {
    }

    static <E extends Enum<E>> E oneOf(String parameter, String value, Class<E> type) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Enum.valueOf(type, value.trim());
        } catch (IllegalArgumentException e) {
            throw ApiException.validation(parameter, "one of " + Arrays.stream(type.getEnumConstants())
                    .map(Enum::name).collect(Collectors.joining(", ")));
        }
    }

    static String text(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
