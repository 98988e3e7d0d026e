package io.companyagents.tasks.service;

import io.companyagents.platform.metrics.DatabaseGauges;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * The task queue's figures for operators:
 * <ul>
 *   <li>{@code company_agents_claims_total{kind="work"|"review"}}: leases handed out (rate = claims/s);</li>
 *   <li>{@code company_agents_claims_empty_total}: claims answered "nothing eligible" (idle workers);</li>
 *   <li>{@code company_agents_claim_batch}: claims served per claim transaction (summary; more than one
 *       when claims with the same filters queued behind one in flight);</li>
 *   <li>{@code company_agents_claims_waiting}: claims queued behind a claim transaction in flight;</li>
 *   <li>{@code company_agents_holder_writes_total{action="start"|"finish", path="one_statement"|"general"}}: holders'
 *       starts and successful finishes done by the one-statement path, and those it handed to the general
 *       path (not the plain case, or refused);</li>
 *   <li>{@code company_agents_holder_batch{action}}: holders' writes served per one-statement batch (summary);</li>
 *   <li>{@code company_agents_lease_expiries_total}: leases the reaper ended because they expired;</li>
 *   <li>{@code company_agents_lease_reaper_batch}: leases ended per non-empty reaper transaction (summary);</li>
 *   <li>{@code company_agents_tasks_ready}, {@code company_agents_leases_active},
 *       {@code company_agents_leases_overdue}: queue depth, live leases and expired-but-not-yet-reaped
 *       leases, from the database.</li>
 * </ul>
 */
@ApplicationScoped
public class TaskMetrics {

    static final String QUEUE_SQL = "select"
            + " (select count(*) from tasks where ready)::float8 as ready,"
            + " (select count(*) from tasks where lease_id is not null)::float8 as active,"
            + " (select count(*) from tasks where lease_expires_at < now())::float8 as overdue";

    @Inject
    MeterRegistry registry;

    @Inject
    DatabaseGauges gauges;

    private Counter workClaims;
    private Counter reviewClaims;
    private Counter emptyClaims;
    private Counter expiries;
    private DistributionSummary reaperBatch;
    private DistributionSummary claimBatch;
    private final java.util.Map<String, Counter> holderWrites = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.Map<String, DistributionSummary> holderBatches = new java.util.concurrent.ConcurrentHashMap<>();

    @PostConstruct
    void register() {
        workClaims = claims("work");
        reviewClaims = claims("review");
        emptyClaims = Counter.builder("company_agents.claims.empty")
                .description("Claims that found no eligible task").register(registry);
        expiries = Counter.builder("company_agents.lease.expiries")
                .description("Leases ended by the reaper because they expired").register(registry);
        reaperBatch = DistributionSummary.builder("company_agents.lease.reaper.batch")
                .description("Leases ended per non-empty reaper transaction")
                .serviceLevelObjectives(1, 10, 50, 100, 200, 500).register(registry);
        claimBatch = DistributionSummary.builder("company_agents.claim.batch")
                .description("Claims served per claim transaction").serviceLevelObjectives(1, 2, 4, 8, 16, 32).register(registry);
    }

    /** Claims queued behind a claim transaction in flight, as {@code waiting} says. */
    public void claimsWaiting(java.util.function.IntSupplier waiting) {
        io.micrometer.core.instrument.Gauge.builder("company_agents.claims.waiting", waiting, w -> w.getAsInt())
                .description("Claims queued behind a claim transaction in flight").strongReference(true).register(registry);
    }

    /** One claim transaction served {@code claims} claims. */
    public void claimBatch(int claims) {
        claimBatch.record(claims);
    }

    /** One statement served {@code batch} holders' {@code action}s, of which {@code done} were done there. */
    public void holderBatch(String action, int batch, int done) {
        holderBatches.computeIfAbsent(action, a -> DistributionSummary.builder("company_agents.holder.batch")
                .description("Holders' writes served per one-statement batch").tag("action", a)
                .serviceLevelObjectives(1, 2, 4, 8, 16, 32).register(registry)).record(batch);
        holderWrite(action, "one_statement").increment(done);
        holderWrite(action, "general").increment(batch - done);
    }

    private Counter holderWrite(String action, String path) {
        return holderWrites.computeIfAbsent(action + "/" + path, k -> Counter.builder("company_agents.holder.writes")
                .description("Holders' starts and successful finishes, by the path that did them")
                .tag("action", action).tag("path", path).register(registry));
    }

    void onStart(@Observes StartupEvent ignored) {
        DatabaseGauges.Value ready = gauges.gauge("company_agents.tasks.ready",
                "Tasks a claim could take now (pending or needs_revision, nothing unmet)", null, Tags.empty());
        DatabaseGauges.Value active = gauges.gauge("company_agents.leases.active", "Tasks under a live or expired lease", null, Tags.empty());
        DatabaseGauges.Value overdue = gauges.gauge("company_agents.leases.overdue",
                "Leases past their expiry that the reaper has not ended yet", null, Tags.empty());
        gauges.refresh(QUEUE_SQL, rows -> {
            Row row = rows.iterator().next();
            ready.set(row.getDouble("ready"));
            active.set(row.getDouble("active"));
            overdue.set(row.getDouble("overdue"));
        });
    }

    private Counter claims(String kind) {
        return Counter.builder("company_agents.claims").description("Claims that handed out a lease")
                .tag("kind", kind).register(registry);
    }

    /** A claim committed; {@code claimed.task() == null} means nothing was eligible. */
    public void claimed(ClaimService.Claimed claimed) {
        if (claimed == null || claimed.task() == null) {
            emptyClaims.increment();
        } else if ("review".equals(claimed.task().leaseKind())) {
            reviewClaims.increment();
        } else {
            workClaims.increment();
        }
    }

    /** One reaper transaction committed, ending {@code count} expired leases. */
    public void reaped(int count) {
        if (count <= 0) {
            return;
        }
        expiries.increment(count);
        reaperBatch.record(count);
    }
}
