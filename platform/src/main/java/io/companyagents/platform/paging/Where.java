package io.companyagents.platform.paging;

import io.vertx.mutiny.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.List;

/**
 * A list query's {@code where} clause holding only the filters a request gave, numbered as it
 * goes. The services' pools plan each statement once, generically, and a generic plan cannot fold
 * away an absent filter written as {@code ($2 is null or task_id = $2)}: it would read a company's
 * rows in key order and test each, where the statement with the filter spelled out uses its index.
 */
public final class Where {

    private final StringBuilder sql;
    private final List<Object> params = new ArrayList<>();

    /** Starts with a condition on the first parameter, e.g. {@code company_id = }. */
    public Where(String firstCondition, Object first) {
        params.add(first);
        sql = new StringBuilder(firstCondition).append("$1");
    }

    /** Adds {@code and <condition>$n} when the value is present; {@code condition} ends where the parameter goes. */
    public Where and(String condition, Object value) {
        if (value != null) {
            params.add(value);
            sql.append(" and ").append(condition).append('$').append(params.size());
        }
        return this;
    }

    /** Adds a parameter that the caller places itself, answering its placeholder ({@code $n}). */
    public String param(Object value) {
        params.add(value);
        return "$" + params.size();
    }

    /** Adds a condition with no parameter, or whose placeholders came from {@link #param}. */
    public Where and(String condition) {
        sql.append(" and ").append(condition);
        return this;
    }

    public String sql() {
        return sql.toString();
    }

    public Tuple tuple() {
        return Tuple.from(params);
    }
}
