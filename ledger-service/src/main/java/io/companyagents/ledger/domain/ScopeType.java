package io.companyagents.ledger.domain;

import io.companyagents.platform.problem.ApiException;

import java.util.Arrays;
import java.util.stream.Collectors;

/** What a budget limits: the whole company, a team, one agent or a project. */
public enum ScopeType {
    company, team, agent, project;

    public static ScopeType parse(String field, String value) {
        try {
            return valueOf(value);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw ApiException.validation(field, "must be one of " + Arrays.stream(values()).map(Enum::name)
                    .collect(Collectors.joining(", ")));
        }
    }
}
