package io.companyagents.ledger.service;

import io.companyagents.ledger.domain.ModelPrice;
import io.companyagents.ledger.repository.PriceRepository;
import io.companyagents.ledger.repository.PriceRepository.ProviderRow;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * Providers and prices, read once: only migrations change them, and migrations run before the
 * service starts, so the copy in memory is never stale.
 */
@ApplicationScoped
public class PriceCatalog {

    @Inject
    PriceRepository prices;

    private volatile Catalog catalog;

    private record Catalog(List<ProviderRow> providers, Map<String, ModelPrice> byModel) {
    }

    public Uni<List<ProviderRow>> providers() {
        return catalog().map(Catalog::providers);
    }

    /** The price of a provider's model, matched exactly as seeded (e.g. {@code anthropic}, {@code claude-sonnet-4}). */
    public Uni<Optional<ModelPrice>> price(String provider, String model) {
        return prices().map(lookup -> lookup.apply(provider, model));
    }

    /** The price lookup of {@link #price}, for pricing many entries at once. */
    public Uni<BiFunction<String, String, Optional<ModelPrice>>> prices() {
        return catalog().map(c -> (provider, model) -> Optional.ofNullable(c.byModel().get(key(provider, model))));
    }

    private Uni<Catalog> catalog() {
        Catalog current = catalog;
        if (current != null) {
            return Uni.createFrom().item(current);
        }
        return prices.load().map(rows -> {
            Map<String, ModelPrice> byModel = new HashMap<>();
            rows.forEach(p -> p.models().forEach(m -> byModel.put(key(p.id(), m.model()), m)));
            Catalog loaded = new Catalog(rows, Map.copyOf(byModel));
            catalog = loaded;
            return loaded;
        });
    }

    private static String key(String provider, String model) {
        return provider + '\n' + model;
    }
}
