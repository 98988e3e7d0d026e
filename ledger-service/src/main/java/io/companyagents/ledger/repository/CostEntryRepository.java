package io.companyagents.ledger.repository;

import io.companyagents.ledger.domain.CostEntry;
import io.companyagents.ledger.domain.ScopeType;
import io.companyagents.platform.paging.Page;
import io.companyagents.platform.paging.PageRequest;
import io.companyagents.platform.paging.Where;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Cost entries: append, list, and the sums summaries and budgets are made of. */
@ApplicationScoped
public class CostEntryRepository {

    static final String COLUMNS = "id, company_id, agent_id, team_id, task_id, run_id, project_id, provider, model,"
            + " input_tokens, output_tokens, cached_input_tokens, cost_micros, cost_source, source, occurred_at, recorded_at";

    public record Filter(UUID agentId, UUID teamId, UUID taskId, UUID projectId, UUID runId, OffsetDateTime from,
                         OffsetDateTime to) {
    }

    /** What a summary groups by, as the SQL expression of its key. */
    public enum GroupBy {
        agent("agent_id::text"), team("team_id::text"), task("task_id::text"), project("project_id::text"),
        provider("provider"), model("model"), day("to_char(occurred_at at time zone 'UTC', 'YYYY-MM-DD')");

        final String key;

        GroupBy(String key) {
            this.key = key;
        }
    }

    public record Group(String key, long costMicros, long inputTokens, long outputTokens, long cachedInputTokens,
                        long entries) {
    }

    public record Totals(List<Group> groups, Group total) {
    }

    /**
     * Inserts the entries in one statement; answers, in the order given, those stored (an entry
     * whose id exists already is skipped: the id of an entry made from an event is that event's id).
     */
    public Uni<List<CostEntry>> insertAll(SqlClient tx, List<CostEntry> drafts, List<String> recordedBy) {
        int n = drafts.size();
        UUID[] ids = new UUID[n], companies = new UUID[n], agents = new UUID[n], teams = new UUID[n], tasks = new UUID[n],
                runs = new UUID[n], projects = new UUID[n];
        String[] providers = new String[n], models = new String[n], costSources = new String[n], sources = new String[n];
        Long[] in = new Long[n], out = new Long[n], cached = new Long[n], cost = new Long[n];
        OffsetDateTime[] occurred = new OffsetDateTime[n];
        for (int i = 0; i < n; i++) {
            CostEntry e = drafts.get(i);
            ids[i] = e.id();
            companies[i] = e.companyId();
            agents[i] = e.agentId();
            teams[i] = e.teamId();
            tasks[i] = e.taskId();
            runs[i] = e.runId();
            projects[i] = e.projectId();
            providers[i] = e.provider();
            models[i] = e.model();
            in[i] = e.inputTokens();
            out[i] = e.outputTokens();
            cached[i] = e.cachedInputTokens();
            cost[i] = e.costMicros();
            costSources[i] = e.costSource();
            sources[i] = e.source();
            occurred[i] = e.occurredAt();
        }
        return tx.preparedQuery(INSERT_ALL_SQL)
                .execute(Tuple.tuple().addArrayOfUUID(ids).addArrayOfUUID(companies).addArrayOfUUID(agents)
                        .addArrayOfUUID(teams).addArrayOfUUID(tasks).addArrayOfUUID(runs).addArrayOfUUID(projects)
                        .addArrayOfString(providers).addArrayOfString(models).addArrayOfLong(in).addArrayOfLong(out)
                        .addArrayOfLong(cached).addArrayOfLong(cost).addArrayOfString(costSources).addArrayOfString(sources)
                        .addArrayOfOffsetDateTime(occurred).addArrayOfString(recordedBy.toArray(String[]::new)))
                .map(rows -> {
                    Map<UUID, CostEntry> stored = new HashMap<>();
                    rows.forEach(r -> stored.put(r.getUUID("id"), map(r)));
                    List<CostEntry> inOrder = new ArrayList<>(stored.size());
                    for (UUID id : ids) {
                        CostEntry e = stored.remove(id);
                        if (e != null) {
                            inOrder.add(e);
                        }
                    }
                    return inOrder;
                });
    }

    private static final String INSERT_ALL_SQL = "insert into cost_entries (id, company_id, agent_id, team_id, task_id, run_id,"
            + " project_id, provider, model, input_tokens, output_tokens, cached_input_tokens, cost_micros, cost_source, source,"
            + " occurred_at, recorded_by) select * from unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $5::uuid[],"
            + " $6::uuid[], $7::uuid[], $8::text[], $9::text[], $10::bigint[], $11::bigint[], $12::bigint[], $13::bigint[],"
            + " $14::text[], $15::text[], $16::timestamptz[], $17::text[]) on conflict (id) do nothing returning " + COLUMNS;

    public Uni<Page<CostEntry>> list(SqlClient client, UUID companyId, Filter f, PageRequest page) {
        Where where = new Where("company_id = ", companyId);
        where.and("agent_id = ", f.agentId());
        where.and("team_id = ", f.teamId());
        where.and("task_id = ", f.taskId());
        where.and("project_id = ", f.projectId());
        where.and("run_id = ", f.runId());
        where.and("occurred_at >= ", f.from());
        where.and("occurred_at < ", f.to());
        where.and("id > ", page.afterId());
        String limit = where.param(page.fetchSize());
        return client.preparedQuery("select " + COLUMNS + " from cost_entries where " + where.sql() + " order by id limit " + limit)
                .execute(where.tuple())
                .map(rows -> {
                    List<CostEntry> out = new ArrayList<>(rows.size());
                    rows.forEach(r -> out.add(map(r)));
                    return page.page(out, e -> e.id().toString());
                });
    }

    /**
     * The groups and their total from one statement (one snapshot), so the total is the sum of
     * the groups and of the entries it covers whatever is being inserted meanwhile.
     */
    public Uni<Totals> summary(SqlClient client, UUID companyId, GroupBy groupBy, OffsetDateTime from, OffsetDateTime to) {
        Where where = new Where("company_id = ", companyId);
        where.and("occurred_at >= ", from);
        where.and("occurred_at < ", to);
        String order = groupBy == GroupBy.day ? "key" : "cost_micros desc, key";
        return client.preparedQuery("select " + groupBy.key + " as key, grouping(" + groupBy.key + ") = 1 as total,"
                        + " coalesce(sum(cost_micros), 0)::bigint as cost_micros, coalesce(sum(input_tokens), 0)::bigint as input_tokens,"
                        + " coalesce(sum(output_tokens), 0)::bigint as output_tokens,"
                        + " coalesce(sum(cached_input_tokens), 0)::bigint as cached_input_tokens, count(*) as entries"
                        + " from cost_entries where " + where.sql() + " group by grouping sets ((" + groupBy.key + "), ())"
                        + " order by total, " + order + " nulls last")
                .execute(where.tuple())
                .map(rows -> {
                    List<Group> groups = new ArrayList<>();
                    Group total = null;
                    for (Row r : rows) {
                        Group g = new Group(r.getString("key"), r.getLong("cost_micros"), r.getLong("input_tokens"),
                                r.getLong("output_tokens"), r.getLong("cached_input_tokens"), r.getLong("entries"));
                        if (r.getBoolean("total")) {
                            total = g;
                        } else {
                            groups.add(g);
                        }
                    }
                    return new Totals(List.copyOf(groups), total);
                });
    }

    /** What a scope spent in {@code [from, to)} (either bound may be open). */
    public Uni<Long> spent(SqlClient client, UUID companyId, ScopeType scope, UUID scopeId, OffsetDateTime from,
                           OffsetDateTime to) {
        Where where = new Where("company_id = ", companyId);
        switch (scope) {
            case agent -> where.and("agent_id = ", scopeId);
            case team -> where.and("team_id = ", scopeId);
            case project -> where.and("project_id = ", scopeId);
            case company -> {
            }
        }
        where.and("occurred_at >= ", from);
        where.and("occurred_at < ", to);
        return client.preparedQuery("select coalesce(sum(cost_micros), 0)::bigint from cost_entries where " + where.sql())
                .execute(where.tuple())
                .map(rows -> rows.iterator().next().getLong(0));
    }


    static CostEntry map(Row r) {
        return new CostEntry(r.getUUID("id"), r.getUUID("company_id"), r.getUUID("agent_id"), r.getUUID("team_id"),
                r.getUUID("task_id"), r.getUUID("run_id"), r.getUUID("project_id"), r.getString("provider"),
                r.getString("model"), r.getLong("input_tokens"), r.getLong("output_tokens"),
                r.getLong("cached_input_tokens"), r.getLong("cost_micros"), r.getString("cost_source"),
                r.getString("source"), r.getOffsetDateTime("occurred_at"), r.getOffsetDateTime("recorded_at"));
    }
}
