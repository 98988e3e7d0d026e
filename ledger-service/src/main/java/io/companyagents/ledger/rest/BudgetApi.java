package io.companyagents.ledger.rest;

import io.companyagents.ledger.domain.Budget;
import io.companyagents.ledger.domain.BudgetState;
import io.companyagents.ledger.domain.BudgetWindow;
import io.companyagents.ledger.domain.ScopeType;
import io.companyagents.ledger.repository.IncidentRepository;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.PositiveOrZero;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/** Request and response shapes of budgets, incidents and the claim-time check. */
public final class BudgetApi {

    private BudgetApi() {
    }

    @Schema(description = "A spending limit. window month is the UTC calendar month. The budget is exceeded once the"
            + " spend reaches the limit, and warns from warnPercent of it.")
    public record SetBudget(@NotNull @PositiveOrZero @Max(CostApi.MAX_MICROS) Long limitMicros,
                            @NotNull BudgetWindow window,
                            @Min(1) @Max(100) @Schema(defaultValue = "80") Integer warnPercent,
                            @Schema(defaultValue = "true") Boolean hardStop) {
    }

    public record BudgetView(UUID id, ScopeType scopeType, UUID scopeId, long limitMicros, BudgetWindow window,
                             int warnPercent, boolean hardStop, long spentMicros, long remainingMicros, BudgetState state,
                             @Schema(description = "start of the current window; null for lifetime") OffsetDateTime windowStart,
                             OffsetDateTime windowEnd, long version, OffsetDateTime createdAt, OffsetDateTime updatedAt) {
        static BudgetView of(Budget b) {
            return new BudgetView(b.id(), b.scopeType(), b.scopeId(), b.limitMicros(), b.window(), b.warnPercent(),
                    b.hardStop(), b.spentMicros(), b.remainingMicros(), b.state(), b.windowStart(), b.windowEnd(),
                    b.version(), b.createdAt(), b.updatedAt());
        }
    }

    public record IncidentView(UUID id, UUID budgetId, String scopeType, UUID scopeId, String window,
                               OffsetDateTime windowStart, long limitMicros,
                               @Schema(description = "spend when the limit was reached") long spentMicros,
                               boolean hardStop, OffsetDateTime openedAt, OffsetDateTime resolvedAt,
                               @Schema(description = "limit_raised | new_window | budget_deleted; null while open") String resolution) {
        static IncidentView of(IncidentRepository.Incident i) {
            return new IncidentView(i.id(), i.budgetId(), i.scopeType(), i.scopeId(), i.window(), i.windowStart(),
                    i.limitMicros(), i.spentMicros(), i.hardStop(), i.openedAt(), i.resolvedAt(), i.resolution());
        }
    }

    public record BlockingScope(ScopeType scopeType, UUID scopeId, UUID budgetId, BudgetWindow window, long limitMicros,
                                long spentMicros) {
        static BlockingScope of(Budget b) {
            return new BlockingScope(b.scopeType(), b.scopeId(), b.id(), b.window(), b.limitMicros(), b.spentMicros());
        }
    }

    @Schema(description = "allowed is false when any hard-stop budget covering the work is exceeded; blockingScopes lists them")
    public record CheckResult(boolean allowed, List<BlockingScope> blockingScopes) {
    }
}
