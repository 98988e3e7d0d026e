package io.companyagents.secrets.service;

import io.companyagents.platform.metrics.DatabaseGauges;
import io.micrometer.core.instrument.Tags;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * Key-rotation progress for operators, from the key metadata tables (never key material):
 * <ul>
 *   <li>{@code company_agents_kek_primary_version}: the KEK version new data keys are wrapped with;</li>
 *   <li>{@code company_agents_kek_rotation_running}: 1 while the latest rotation runs, else 0;</li>
 *   <li>{@code company_agents_kek_rotation_target_version}: the version the latest rotation re-wraps to;</li>
 *   <li>{@code company_agents_kek_rotation_keys{state="total"|"rewrapped"|"skipped"|"remaining"}}:
 *       the latest rotation's data keys; progress = (rewrapped + skipped) / total;</li>
 *   <li>{@code company_agents_kek_rotation_failed_attempts}: failed batches of the latest rotation.</li>
 * </ul>
 */
@ApplicationScoped
public class SecretsMetrics {

    static final String ROTATION_SQL = "select"
            + " (select coalesce(max(version) filter (where is_primary), 0) from kek_versions)::float8 as primary_version,"
            + " coalesce(r.to_version, 0)::float8 as to_version,"
            + " (case when r.status = 'running' then 1 else 0 end)::float8 as running,"
            + " coalesce(r.total, 0)::float8 as total, coalesce(r.rewrapped, 0)::float8 as rewrapped,"
            + " coalesce(r.skipped, 0)::float8 as skipped,"
            + " greatest(coalesce(r.total - r.rewrapped - r.skipped, 0), 0)::float8 as remaining,"
            + " coalesce(r.failed_attempts, 0)::float8 as failed"
            + " from (select 1) one left join lateral"
            + " (select * from kek_rotations order by started_at desc limit 1) r on true";

    @Inject
    DatabaseGauges gauges;

    void onStart(@Observes StartupEvent ignored) {
        DatabaseGauges.Value primary = gauges.gauge("company_agents.kek.primary.version",
                "KEK version new data keys are wrapped with", null, Tags.empty());
        DatabaseGauges.Value target = gauges.gauge("company_agents.kek.rotation.target.version",
                "KEK version the latest rotation re-wraps data keys to", null, Tags.empty());
        DatabaseGauges.Value running = gauges.gauge("company_agents.kek.rotation.running",
                "1 while the latest key rotation is running", null, Tags.empty());
        DatabaseGauges.Value total = keys("total");
        DatabaseGauges.Value rewrapped = keys("rewrapped");
        DatabaseGauges.Value skipped = keys("skipped");
        DatabaseGauges.Value remaining = keys("remaining");
        DatabaseGauges.Value failed = gauges.gauge("company_agents.kek.rotation.failed.attempts",
                "Failed batches of the latest key rotation", null, Tags.empty());
        gauges.refresh(ROTATION_SQL, rows -> {
            Row row = rows.iterator().next();
            primary.set(row.getDouble("primary_version"));
            target.set(row.getDouble("to_version"));
            running.set(row.getDouble("running"));
            total.set(row.getDouble("total"));
            rewrapped.set(row.getDouble("rewrapped"));
            skipped.set(row.getDouble("skipped"));
            remaining.set(row.getDouble("remaining"));
            failed.set(row.getDouble("failed"));
        });
    }

    private DatabaseGauges.Value keys(String state) {
        return gauges.gauge("company_agents.kek.rotation.keys", "Data keys of the latest key rotation, by state", null,
                Tags.of("state", state));
    }
}
