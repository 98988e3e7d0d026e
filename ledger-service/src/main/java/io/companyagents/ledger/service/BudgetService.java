package io.companyagents.ledger.service;

import io.companyagents.ledger.domain.Budget;
import io.companyagents.ledger.domain.BudgetRules;
import io.companyagents.ledger.domain.BudgetState;
import io.companyagents.ledger.domain.BudgetWindow;
import io.companyagents.ledger.domain.CostEntry;
import io.companyagents.ledger.domain.ScopeType;
import io.companyagents.ledger.repository.AgentProjection;
import io.companyagents.ledger.repository.BudgetRepository;
import io.companyagents.ledger.repository.CostEntryRepository;
import io.companyagents.ledger.repository.IncidentRepository;
import io.companyagents.platform.events.DomainEvent;
import io.companyagents.platform.events.EventPayloads;
import io.companyagents.platform.events.EventType;
import io.companyagents.platform.id.Ids;
import io.companyagents.platform.outbox.Outbox;
import io.companyagents.platform.paging.Page;
import io.companyagents.platform.paging.PageRequest;
import io.companyagents.platform.problem.ApiException;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/**
 * Budgets: their configuration, the spend rolled up in their current window, and the crossings
 * that spend causes.
 * <p>
 * Exactly-once crossings: every change to a budget's spend or state (an entry, a PUT, a new
 * window) happens in a transaction holding that budget's row lock, so the transaction that
 * moves it into {@code exceeded} is the only one that sees the move; it opens the incident
 * and writes {@code budget.exceeded} to the outbox in the same commit. A partial unique index
 * (one open incident per budget) backs this up in the database.
 */
@ApplicationScoped
public class BudgetService {

    static final String ROLLER = "budget-window-roller";

    @Inject
    Pool pool;

    @Inject
    BudgetRepository budgets;

    @Inject
    IncidentRepository incidents;

    @Inject
    CostEntryRepository entries;

    @Inject
    AgentProjection agents;

    @Inject
    Outbox outbox;

    @Inject
    Clock clock;

    public record Settings(long limitMicros, BudgetWindow window, int warnPercent, boolean hardStop) {
    }

    public record SetResult(Budget budget, boolean created) {
    }

    /** A new entry and who recorded it (the actor of the crossings it causes). */
    public record Counted(CostEntry entry, String actorType, String actorId) {
    }

    /**
     * Counts new entries of one company (already inserted in {@code tx}, in the order given)
     * towards every budget covering them, in their transaction; crossings are appended to
     * {@code events}. Each budget is locked and written once, but settled entry by entry, so
     * its crossings are those the entries would cause one at a time.
     */
    public Uni<Void> countEntries(SqlConnection tx, UUID companyId, List<Counted> batch, List<DomainEvent> events) {
        Instant now = clock.instant();
        Set<UUID> agentIds = new HashSet<>();
        Set<UUID> teamIds = new HashSet<>();
        Set<UUID> projectIds = new HashSet<>();
        for (Counted c : batch) {
            addIfPresent(agentIds, c.entry().agentId());
            addIfPresent(teamIds, c.entry().teamId());
            addIfPresent(projectIds, c.entry().projectId());
        }
        return budgets.lockCompanyForEntry(tx, companyId)
                .chain(() -> budgets.lockCoveringAny(tx, companyId, agentIds, teamIds, projectIds))
                .chain(covering -> inOrder(covering, b -> {
                    List<Counted> counted = batch.stream().filter(c -> covers(b, c.entry())).toList();
                    if (counted.isEmpty()) {
                        return Uni.createFrom().voidItem();
                    }
                    if (b.windowPassed(now)) {
                        // the new window's sum includes these entries: they were inserted earlier in this transaction
                        Counted first = counted.get(0);
                        return inCurrentWindow(tx, b, now)
                                .chain(after -> save(tx, b, after, false, "new_window", first.actorType(), first.actorId(), events))
                                .replaceWithVoid();
                    }
                    return addSpend(tx, b, counted, events);
                }));
    }

    /** Adds the entries that fall in the budget's window to its spend, settling after each, and writes it once. */
    private Uni<Void> addSpend(SqlConnection tx, Budget before, List<Counted> counted, List<DomainEvent> events) {
        Budget current = before;
        boolean opened = false;
        List<Crossing> crossings = new ArrayList<>();
        for (Counted c : counted) {
            CostEntry e = c.entry();
            if (e.costMicros() == 0 || !before.window().contains(before.windowStart(), e.occurredAt())) {
                continue;
            }
            BudgetRules.Settlement s = BudgetRules.settle(current, current.withSpent(Math.addExact(current.spentMicros(), e.costMicros())));
            opened |= s.incident() == BudgetRules.Incident.open;
            s.events().forEach(type -> crossings.add(new Crossing(type, c)));
            current = s.budget();
        }
        if (current == before) {
            return Uni.createFrom().voidItem();
        }
        boolean open = opened;
        return budgets.update(tx, current, false)
                .call(b -> open ? incidents.open(tx, b, now()) : Uni.createFrom().voidItem())
                .invoke(b -> crossings.forEach(x -> events.add(stateEvent(x.type(), b, x.cause().actorType(), x.cause().actorId()))))
                .replaceWithVoid();
    }

    /** A budget event and the entry that caused it. */
    private record Crossing(EventType type, Counted cause) {
    }

    /** Whether an entry of the budget's company counts towards it (the budget's scope is the company, or the entry's agent, team or project). */
    static boolean covers(Budget b, CostEntry e) {
        return switch (b.scopeType()) {
            case company -> b.scopeId().equals(b.companyId());
            case agent -> b.scopeId().equals(e.agentId());
            case team -> b.scopeId().equals(e.teamId());
            case project -> b.scopeId().equals(e.projectId());
        };
    }

    private static void addIfPresent(Set<UUID> ids, UUID id) {
        if (id != null) {
            ids.add(id);
        }
    }

    /** Creates or replaces the budget on a scope; an existing one keeps its id and, in the same window, its spend. */
    public Uni<SetResult> set(UUID companyId, ScopeType scope, UUID scopeId, Settings s, Long ifMatch, String actorType,
                              String actorId) {
        Instant now = clock.instant();
        return pool.withTransaction(tx -> budgets.lockCompanyForBudgetChange(tx, companyId)
                .chain(() -> budgets.find(tx, companyId, scope, scopeId, true))
                .chain(existing -> {
                    List<DomainEvent> crossings = new ArrayList<>();
                    Uni<Budget> saved;
                    if (existing.isEmpty()) {
                        if (ifMatch != null) {
                            throw preconditionFailed("there is no budget on " + scope + " " + scopeId + " yet");
                        }
                        Budget fresh = new Budget(Ids.newId(), companyId, scope, scopeId, s.limitMicros(), s.window(),
                                s.warnPercent(), s.hardStop(), null, 0, BudgetState.ok, false, 1, null, null);
                        saved = inCurrentWindow(tx, fresh, now)
                                .chain(after -> save(tx, null, after, true, null, actorType, actorId, crossings));
                    } else {
                        Budget before = existing.get();
                        if (ifMatch != null && ifMatch != before.version()) {
                            throw preconditionFailed("the budget changed since version " + ifMatch + " (now " + before.version() + ")");
                        }
                        Budget configured = before.configured(s.limitMicros(), s.window(), s.warnPercent(), s.hardStop());
                        boolean newWindow = before.window() != s.window() || before.windowPassed(now);
                        String resolution = s.limitMicros() > before.limitMicros() ? "limit_raised" : "new_window";
                        saved = (newWindow ? inCurrentWindow(tx, configured, now) : Uni.createFrom().item(configured))
                                .chain(after -> save(tx, before, after, true, resolution, actorType, actorId, crossings));
                    }
                    return saved.call(b -> {
                        List<DomainEvent> events = new ArrayList<>();
                        events.add(new DomainEvent(EventType.BUDGET_SET, companyId, actorType, actorId, "budget",
                                b.id().toString(), changed(b)));
                        events.addAll(crossings);
                        return outbox.appendAll(tx, events);
                    }).map(b -> new SetResult(b, existing.isEmpty()));
                }));
    }

    /** The budget as it stands now (a passed month is shown as the new one, before the roller writes it). */
    public Uni<Budget> get(UUID companyId, ScopeType scope, UUID scopeId) {
        Instant now = clock.instant();
        return budgets.find(pool, companyId, scope, scopeId, false)
                .chain(found -> current(pool, found.orElseThrow(() -> notFound(scope, scopeId)), now));
    }

    public Uni<Page<Budget>> list(UUID companyId, PageRequest page) {
        Instant now = clock.instant();
        return budgets.list(pool, companyId, page)
                .chain(p -> inOrderMapped(p.items(), b -> current(pool, b, now)).map(items -> new Page<>(items, p.nextCursor())));
    }

    /** Deletes the budget; deleting an exceeded one recovers it (its stop ends with it). */
    public Uni<Void> delete(UUID companyId, ScopeType scope, UUID scopeId, String actorType, String actorId) {
        return pool.withTransaction(tx -> budgets.find(tx, companyId, scope, scopeId, true).chain(found -> {
            Budget b = found.orElseThrow(() -> notFound(scope, scopeId));
            List<DomainEvent> events = new ArrayList<>();
            events.add(new DomainEvent(EventType.BUDGET_DELETED, companyId, actorType, actorId, "budget", b.id().toString(),
                    changed(b)));
            Uni<Void> resolved = Uni.createFrom().voidItem();
            if (b.state() == BudgetState.exceeded) {
                events.add(stateEvent(EventType.BUDGET_RECOVERED, b, actorType, actorId));
                resolved = incidents.resolve(tx, b.id(), "budget_deleted", now());
            }
            return resolved.chain(() -> budgets.delete(tx, b.id())).chain(() -> outbox.appendAll(tx, events));
        }));
    }

    /**
     * The claim-time check: whether work for this agent (its team resolved from the projection
     * unless given) and project may spend, and which hard-stop budgets stop it.
     */
    public Uni<List<Budget>> blocking(UUID companyId, UUID agentId, UUID teamId, UUID projectId) {
        Instant now = clock.instant();
        Uni<UUID> team = teamId != null || agentId == null ? Uni.createFrom().item(teamId)
                : agents.teamOf(pool, companyId, agentId, null);
        return team.chain(t -> budgets.covering(pool, companyId, agentId, t, projectId))
                .chain(covering -> inOrderMapped(covering, b -> current(pool, b, now)))
                .map(current -> current.stream().filter(b -> b.hardStop() && b.state() == BudgetState.exceeded).toList());
    }

    public Uni<Page<IncidentRepository.Incident>> incidents(UUID companyId, IncidentRepository.Filter filter,
                                                            PageRequest page) {
        return incidents.list(pool, companyId, filter, page);
    }

    /** Moves monthly budgets whose month ended into the current one; answers how many it moved. */
    public Uni<Integer> rollPassedWindows(int batchSize) {
        Instant now = clock.instant();
        OffsetDateTime monthStart = BudgetWindow.month.startAt(now);
        return pool.withTransaction(tx -> budgets.lockPassedWindows(tx, monthStart, batchSize).chain(passed -> {
            List<DomainEvent> events = new ArrayList<>();
            return inOrder(passed, b -> inCurrentWindow(tx, b, now)
                    .chain(after -> save(tx, b, after, false, "new_window", "system", ROLLER, events))
                    .replaceWithVoid())
                    .chain(() -> outbox.appendAll(tx, events))
                    .replaceWith(passed.size());
        }));
    }

    /** The budget placed in the window containing {@code now}, with the spend summed over it. */
    private Uni<Budget> inCurrentWindow(SqlClient client, Budget b, Instant now) {
        OffsetDateTime start = b.window().startAt(now);
        return entries.spent(client, b.companyId(), b.scopeType(), b.scopeId(), start, start == null ? null : b.window().endOf(start))
                .map(spent -> b.inWindow(start, spent));
    }

    private Uni<Budget> current(SqlClient client, Budget b, Instant now) {
        if (!b.windowPassed(now)) {
            return Uni.createFrom().item(b);
        }
        return inCurrentWindow(client, b, now).map(after -> BudgetRules.settle(b, after).budget());
    }

    /** Settles and writes a budget's new spend, configuration or window: its state, its incident, its events. */
    private Uni<Budget> save(SqlClient tx, Budget before, Budget after, boolean configChanged, String resolution,
                           String actorType, String actorId, List<DomainEvent> events) {
        BudgetRules.Settlement s = BudgetRules.settle(before, after);
        Uni<Budget> written = before == null ? budgets.insert(tx, s.budget()) : budgets.update(tx, s.budget(), configChanged);
        return written.call(b -> switch (s.incident()) {
                    case open -> incidents.open(tx, b, now());
                    case resolve -> incidents.resolve(tx, b.id(), resolution, now());
                    case none -> Uni.createFrom().voidItem();
                })
                .invoke(b -> s.events().forEach(type -> events.add(stateEvent(type, b, actorType, actorId))));
    }

    private OffsetDateTime now() {
        return OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
    }

    static DomainEvent stateEvent(EventType type, Budget b, String actorType, String actorId) {
        return new DomainEvent(type, b.companyId(), actorType, actorId, "budget", b.id().toString(),
                new EventPayloads.BudgetStateChanged(b.id(), b.scopeType().name(), b.scopeId(), b.window().name(),
                        b.windowStart() == null ? null : b.windowStart().toLocalDate().toString(), b.limitMicros(),
                        b.spentMicros(), b.hardStop(), b.state().name()));
    }

    private static EventPayloads.BudgetChanged changed(Budget b) {
        return new EventPayloads.BudgetChanged(b.id(), b.scopeType().name(), b.scopeId(), b.window().name(),
                b.limitMicros(), b.warnPercent(), b.hardStop(), b.version());
    }

    private static ApiException notFound(ScopeType scope, UUID scopeId) {
        return ApiException.notFound("budget on " + scope + " " + scopeId);
    }

    private static ApiException preconditionFailed(String detail) {
        return new ApiException(412, "precondition_failed", "Precondition Failed", detail);
    }

    /** Runs {@code step} for each item, one after another (one connection runs one statement at a time). */
    private static <T> Uni<Void> inOrder(List<T> items, Function<T, Uni<Void>> step) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (T item : items) {
            chain = chain.chain(() -> step.apply(item));
        }
        return chain;
    }

    private static <T, R> Uni<List<R>> inOrderMapped(List<T> items, Function<T, Uni<R>> step) {
        List<R> out = new ArrayList<>(items.size());
        return inOrder(items, item -> step.apply(item).invoke(out::add).replaceWithVoid()).map(v -> out);
    }
}
