package io.companyagents.ledger.repository;

import io.companyagents.ledger.domain.ModelPrice;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Providers and model prices, as the migrations seeded them. */
@ApplicationScoped
public class PriceRepository {

    @Inject
    Pool pool;

    public record ProviderRow(String id, String name, boolean enabled, List<ModelPrice> models) {
    }

    /** Every provider in display order, each with its models by name. */
    public Uni<List<ProviderRow>> load() {
        return pool.query("select p.id, p.name, p.enabled, m.model, m.input_micros_per_million, m.output_micros_per_million,"
                        + " m.cached_input_micros_per_million from providers p left join model_prices m on m.provider_id = p.id"
                        + " order by p.sort_order, p.id, m.model")
                .execute()
                .map(rows -> {
                    Map<String, ProviderRow> providers = new LinkedHashMap<>();
                    for (Row r : rows) {
                        ProviderRow p = providers.computeIfAbsent(r.getString("id"),
                                id -> new ProviderRow(id, r.getString("name"), r.getBoolean("enabled"), new ArrayList<>()));
                        if (r.getString("model") != null) {
                            p.models().add(new ModelPrice(p.id(), r.getString("model"), r.getLong("input_micros_per_million"),
                                    r.getLong("output_micros_per_million"), r.getLong("cached_input_micros_per_million")));
                        }
                    }
                    return providers.values().stream()
                            .map(p -> new ProviderRow(p.id(), p.name(), p.enabled(), List.copyOf(p.models())))
                            .toList();
                });
    }
}
