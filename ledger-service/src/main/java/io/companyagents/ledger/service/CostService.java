package io.companyagents.ledger.service;

import io.companyagents.ledger.config.LedgerConfig;
import io.companyagents.ledger.domain.CostEntry;
import io.companyagents.ledger.repository.AgentProjection;
import io.companyagents.ledger.repository.CostEntryRepository;
import io.companyagents.ledger.rest.CostApi.CostEntryView;
import io.companyagents.ledger.rest.CostApi.NewCostEntry;
import io.companyagents.platform.events.DomainEvent;
import io.companyagents.platform.events.EventPayloads;
import io.companyagents.platform.events.EventType;
import io.companyagents.platform.id.Ids;
import io.companyagents.platform.idempotency.Idempotency;
import io.companyagents.platform.outbox.Outbox;
import io.companyagents.platform.paging.Page;
import io.companyagents.platform.paging.PageRequest;
import io.companyagents.platform.problem.ApiException;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Recording costs: from the API (with a required Idempotency-Key) and from runs' usage
 * ({@code run.finished}, once per event). An entry, its {@code cost.recorded}, the budgets it
 * counts towards and their crossings commit together.
 */
@ApplicationScoped
public class CostService {

    public static final String SOURCE_API = "api";
    public static final String SOURCE_RUN = "run_finished";

    @Inject
    Pool pool;

    @Inject
    CostEntryRepository entries;

    @Inject
    AgentProjection agents;

    @Inject
    BudgetService budgets;

    @Inject
    PriceCatalog catalog;

    @Inject
    Idempotency idempotency;

    @Inject
    Outbox outbox;

    @Inject
    LedgerConfig config;

    @Inject
    Clock clock;

    /** Records a cost from the API; the same key and body answer the first response again. */
    public Uni<Response> create(UUID companyId, NewCostEntry req, String idempotencyKey, String actorType, String actorId) {
        if (idempotencyKey == null) {
            throw ApiException.badRequest("idempotency_key_required",
                    "send an Idempotency-Key header: retries of a cost must not record it twice");
        }
        if (req.occurredAt().toInstant().isAfter(clock.instant().plus(config.futureSkew()))) {
            throw ApiException.validation("occurredAt", "must not be in the future");
        }
        long cached = req.cachedInputTokens() == null ? 0 : req.cachedInputTokens();
        Uni<Priced> priced = req.costMicros() != null
                ? Uni.createFrom().item(new Priced(req.costMicros(), "reported"))
                : catalog.price(req.provider(), req.model()).map(price -> new Priced(price
                        .orElseThrow(() -> priceUnknown(req.provider(), req.model()))
                        .costMicros(req.inputTokens(), req.outputTokens(), cached), "price_table"));
        return priced.chain(p -> idempotency.create(companyId, idempotencyKey, "POST", "/companies/" + companyId + "/cost-entries",
                req, tx -> record(tx, new CostEntry(Ids.newId(), companyId, req.agentId(), null, req.taskId(), req.runId(),
                        req.projectId(), req.provider(), req.model(), req.inputTokens(), req.outputTokens(), cached,
                        p.costMicros(), p.source(), SOURCE_API, req.occurredAt(), null), actorType, actorId)
                        .map(entry -> new Idempotency.Created(201, CostEntryView.of(entry.orElseThrow())))));
    }

    /**
     * Records the usage a {@code run.finished} event carries, as the entry whose id is the
     * event's id (the inbox already skips a redelivery; the id makes a second entry impossible).
     * A model without a price is recorded at 0 as {@code unpriced}: the tokens are kept.
     */
    public Uni<Void> recordRunUsage(SqlConnection tx, UUID companyId, UUID eventId, OffsetDateTime occurredAt,
                                    String actorType, String actorId, EventPayloads.RunFinished run) {
        EventPayloads.Usage u = run.usage();
        long cached = u.cachedInputTokens() == null ? 0 : u.cachedInputTokens();
        Uni<Priced> priced = u.costMicros() != null
                ? Uni.createFrom().item(new Priced(u.costMicros(), "reported"))
                : catalog.price(u.provider(), u.model()).map(price -> price
                        .map(p -> new Priced(p.costMicros(u.inputTokens(), u.outputTokens(), cached), "price_table"))
                        .orElse(new Priced(0, "unpriced")));
        return priced.chain(p -> record(tx, new CostEntry(eventId, companyId, run.agentId(), run.teamId(), run.taskId(),
                run.runId(), run.projectId(), u.provider(), u.model(), u.inputTokens(), u.outputTokens(), cached,
                p.costMicros(), p.source(), SOURCE_RUN, occurredAt, null), actorType, actorId)).replaceWithVoid();
    }

    public Uni<Page<CostEntry>> list(UUID companyId, CostEntryRepository.Filter filter, PageRequest page) {
        return entries.list(pool, companyId, filter, page);
    }

    public Uni<CostEntryRepository.Totals> summary(UUID companyId, CostEntryRepository.GroupBy groupBy,
                                                   OffsetDateTime from, OffsetDateTime to) {
        return entries.summary(pool, companyId, groupBy, from, to);
    }

    /**
     * Inserts the entry with the agent's team (the draft's teamId is the fallback when the agent
     * is not known yet), counts it towards its budgets and writes the events; empty when an entry
     * with this id exists already.
     */
    private Uni<Optional<CostEntry>> record(SqlConnection tx, CostEntry draft, String actorType, String actorId) {
        return agents.teamOf(tx, draft.companyId(), draft.agentId(), draft.teamId())
                .chain(team -> entries.insert(tx, withTeam(draft, team), actorType + ":" + actorId))
                .call(inserted -> {
                    if (inserted.isEmpty()) {
                        return Uni.createFrom().voidItem();
                    }
                    CostEntry e = inserted.get();
                    List<DomainEvent> events = new ArrayList<>();
                    events.add(new DomainEvent(EventType.COST_RECORDED, e.companyId(), actorType, actorId, "cost_entry",
                            e.id().toString(), new EventPayloads.CostRecorded(e.id(), e.agentId(), e.teamId(), e.taskId(),
                            e.runId(), e.projectId(), e.provider(), e.model(), e.inputTokens(), e.outputTokens(),
                            e.cachedInputTokens(), e.costMicros(), e.occurredAt())));
                    return budgets.countEntry(tx, e, actorType, actorId, events).chain(() -> outbox.appendAll(tx, events));
                });
    }

    private record Priced(long costMicros, String source) {
    }

    private static CostEntry withTeam(CostEntry e, UUID team) {
        return new CostEntry(e.id(), e.companyId(), e.agentId(), team, e.taskId(), e.runId(), e.projectId(), e.provider(),
                e.model(), e.inputTokens(), e.outputTokens(), e.cachedInputTokens(), e.costMicros(), e.costSource(),
                e.source(), e.occurredAt(), e.recordedAt());
    }

    private static ApiException priceUnknown(String provider, String model) {
        return new ApiException(422, "price_unknown", "Unprocessable Content",
                "there is no price for model '" + model + "' of provider '" + provider + "' (GET /api/v1/providers lists"
                        + " the priced models); send costMicros to record this cost as reported",
                List.of(), Map.of("provider", provider, "model", model));
    }
}
