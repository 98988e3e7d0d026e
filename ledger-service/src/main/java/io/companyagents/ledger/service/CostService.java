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
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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

    /** A {@code run.finished} event's usage: the event's id (the entry's), company, time and actor. */
    public record RunUsage(UUID eventId, UUID companyId, OffsetDateTime occurredAt, String actorType, String actorId,
                           EventPayloads.RunFinished run) {
    }

    /**
     * Records the usage {@code run.finished} events carry, each as the entry whose id is the
     * event's id (the inbox already skips a redelivery; the id makes a second entry impossible),
     * together: one insert, one budget count per company. A model without a price is recorded at
     * 0 as {@code unpriced}: the tokens are kept.
     */
    public Uni<Void> recordRunUsages(SqlConnection tx, List<RunUsage> usages) {
        return catalog.prices().chain(prices -> {
            Map<UUID, List<Recording>> byCompany = new LinkedHashMap<>();
            for (RunUsage r : usages) {
                EventPayloads.Usage u = r.run().usage();
                long cached = u.cachedInputTokens() == null ? 0 : u.cachedInputTokens();
                Priced p = u.costMicros() != null ? new Priced(u.costMicros(), "reported")
                        : prices.apply(u.provider(), u.model())
                        .map(price -> new Priced(price.costMicros(u.inputTokens(), u.outputTokens(), cached), "price_table"))
                        .orElse(new Priced(0, "unpriced"));
                EventPayloads.RunFinished run = r.run();
                byCompany.computeIfAbsent(r.companyId(), c -> new ArrayList<>()).add(new Recording(new CostEntry(r.eventId(),
                        r.companyId(), run.agentId(), run.teamId(), run.taskId(), run.runId(), run.projectId(), u.provider(),
                        u.model(), u.inputTokens(), u.outputTokens(), cached, p.costMicros(), p.source(), SOURCE_RUN,
                        r.occurredAt(), null), r.actorType(), r.actorId()));
            }
            List<DomainEvent> events = new ArrayList<>();
            Uni<Void> chain = Uni.createFrom().voidItem();
            for (Map.Entry<UUID, List<Recording>> company : byCompany.entrySet()) {
                chain = chain.chain(() -> recordAll(tx, company.getKey(), company.getValue(), events)).replaceWithVoid();
            }
            return chain.chain(() -> outbox.appendAll(tx, events));
        });
    }

    public Uni<Page<CostEntry>> list(UUID companyId, CostEntryRepository.Filter filter, PageRequest page) {
        return entries.list(pool, companyId, filter, page);
    }

    public Uni<CostEntryRepository.Totals> summary(UUID companyId, CostEntryRepository.GroupBy groupBy,
                                                   OffsetDateTime from, OffsetDateTime to) {
        return entries.summary(pool, companyId, groupBy, from, to);
    }

    /** Records one entry (the API's): empty when an entry with its id exists already. */
    private Uni<Optional<CostEntry>> record(SqlConnection tx, CostEntry draft, String actorType, String actorId) {
        List<DomainEvent> events = new ArrayList<>();
        return recordAll(tx, draft.companyId(), List.of(new Recording(draft, actorType, actorId)), events)
                .call(() -> outbox.appendAll(tx, events))
                .map(inserted -> inserted.stream().findFirst());
    }

    /** A draft entry and who records it. */
    private record Recording(CostEntry draft, String actorType, String actorId) {
    }

    /**
     * Inserts entries of one company, each with its agent's team (the draft's teamId is the
     * fallback when the agent is not known yet), counts them towards their budgets and adds
     * their events to {@code events}; answers the entries inserted (one whose id exists already
     * is skipped).
     */
    private Uni<List<CostEntry>> recordAll(SqlConnection tx, UUID companyId, List<Recording> recordings,
                                           List<DomainEvent> events) {
        Set<UUID> agentIds = new HashSet<>();
        recordings.forEach(r -> agentIds.add(r.draft().agentId()));
        return agents.teamsOf(tx, companyId, agentIds)
                .chain(teams -> {
                    List<CostEntry> drafts = new ArrayList<>(recordings.size());
                    List<String> recordedBy = new ArrayList<>(recordings.size());
                    for (Recording r : recordings) {
                        CostEntry d = r.draft();
                        drafts.add(withTeam(d, teams.getOrDefault(d.agentId(), d.teamId())));
                        recordedBy.add(r.actorType() + ":" + r.actorId());
                    }
                    return entries.insertAll(tx, drafts, recordedBy);
                })
                .call(inserted -> {
                    if (inserted.isEmpty()) {
                        return Uni.createFrom().voidItem();
                    }
                    Map<UUID, Recording> byId = new HashMap<>();
                    recordings.forEach(r -> byId.put(r.draft().id(), r));
                    List<BudgetService.Counted> counted = new ArrayList<>(inserted.size());
                    for (CostEntry e : inserted) {
                        Recording r = byId.get(e.id());
                        events.add(new DomainEvent(EventType.COST_RECORDED, e.companyId(), r.actorType(), r.actorId(),
                                "cost_entry", e.id().toString(), new EventPayloads.CostRecorded(e.id(), e.agentId(),
                                e.teamId(), e.taskId(), e.runId(), e.projectId(), e.provider(), e.model(), e.inputTokens(),
                                e.outputTokens(), e.cachedInputTokens(), e.costMicros(), e.occurredAt())));
                        counted.add(new BudgetService.Counted(e, r.actorType(), r.actorId()));
                    }
                    return budgets.countEntries(tx, companyId, counted, events);
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
