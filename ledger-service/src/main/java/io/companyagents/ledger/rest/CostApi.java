package io.companyagents.ledger.rest;

import io.companyagents.ledger.domain.CostEntry;
import io.companyagents.ledger.domain.ModelPrice;
import io.companyagents.ledger.repository.CostEntryRepository;
import io.companyagents.ledger.repository.PriceRepository;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/** Request and response shapes of the money API (API.md, Money): cost entries, summaries, providers. */
public final class CostApi {

    /** A trillion tokens in one entry is already absurd; the cap keeps every sum far inside a long. */
    static final long MAX_TOKENS = 1_000_000_000_000L;
    /** One billion dollars. */
    static final long MAX_MICROS = 1_000_000_000_000_000L;

    private CostApi() {
    }

    @Schema(description = "A model call (or run) that cost money. Tokens: inputTokens are uncached input, cachedInputTokens"
            + " input read from a prompt cache, each billed at its own price. Without costMicros the cost is computed from"
            + " the price table (micro-dollars per million tokens), rounded half up once on the sum; a model without a"
            + " price is then 422 price_unknown.")
    public record NewCostEntry(
            @NotNull UUID agentId,
            UUID taskId,
            UUID runId,
            UUID projectId,
            @NotBlank @Size(max = 100) @Schema(examples = "anthropic") String provider,
            @NotBlank @Size(max = 200) @Schema(examples = "claude-sonnet-4") String model,
            @NotNull @PositiveOrZero @Max(MAX_TOKENS) Long inputTokens,
            @NotNull @PositiveOrZero @Max(MAX_TOKENS) Long outputTokens,
            @PositiveOrZero @Max(MAX_TOKENS) Long cachedInputTokens,
            @PositiveOrZero @Max(MAX_MICROS) Long costMicros,
            @NotNull OffsetDateTime occurredAt) {
    }

    public record CostEntryView(UUID id, UUID agentId, UUID teamId, UUID taskId, UUID runId, UUID projectId,
                                String provider, String model, long inputTokens, long outputTokens,
                                long cachedInputTokens, long costMicros,
                                @Schema(description = "reported | price_table | unpriced") String costSource,
                                @Schema(description = "api | run_finished") String source,
                                OffsetDateTime occurredAt, OffsetDateTime recordedAt) {
        public static CostEntryView of(CostEntry e) {
            return new CostEntryView(e.id(), e.agentId(), e.teamId(), e.taskId(), e.runId(), e.projectId(), e.provider(),
                    e.model(), e.inputTokens(), e.outputTokens(), e.cachedInputTokens(), e.costMicros(), e.costSource(),
                    e.source(), e.occurredAt(), e.recordedAt());
        }
    }

    public record SummaryGroup(@Schema(description = "the agent, team, task or project id, provider, model, or UTC day"
            + " (YYYY-MM-DD); null for entries without one") String key,
                               long costMicros, long inputTokens, long outputTokens, long cachedInputTokens, long entries) {
        static SummaryGroup of(CostEntryRepository.Group g) {
            return new SummaryGroup(g.key(), g.costMicros(), g.inputTokens(), g.outputTokens(), g.cachedInputTokens(),
                    g.entries());
        }
    }

    @Schema(description = "Groups and total read in one snapshot: totalMicros is the sum of the groups and of the entries")
    public record Summary(List<SummaryGroup> groups, long totalMicros) {
    }

    public record ModelPriceView(String model, long inputMicrosPerMillion, long outputMicrosPerMillion,
                                 long cachedInputMicrosPerMillion) {
        static ModelPriceView of(ModelPrice p) {
            return new ModelPriceView(p.model(), p.inputMicrosPerMillion(), p.outputMicrosPerMillion(),
                    p.cachedInputMicrosPerMillion());
        }
    }

    public record ProviderView(String id, String name, boolean enabled, List<ModelPriceView> models) {
        static ProviderView of(PriceRepository.ProviderRow p) {
            return new ProviderView(p.id(), p.name(), p.enabled(), p.models().stream().map(ModelPriceView::of).toList());
        }
    }
}
