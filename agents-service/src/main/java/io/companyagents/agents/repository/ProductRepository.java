package io.companyagents.agents.repository;

import io.companyagents.agents.domain.Product;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import java.util.List;
import java.util.UUID;

@ApplicationScoped
@WithSession
public class ProductRepository implements PanacheRepositoryBase<Product, UUID> {

    public Uni<Product> findInCompany(UUID companyId, UUID id) {
        return find("companyId = :c and id = :id", Parameters.with("c", companyId).and("id", id)).firstResult();
    }

    public Uni<Product> lockInCompany(UUID companyId, UUID id) {
        return find("companyId = :c and id = :id", Parameters.with("c", companyId).and("id", id))
                .withLock(LockModeType.PESSIMISTIC_WRITE).firstResult();
    }

    public Uni<List<Product>> page(UUID companyId, UUID after, int size) {
        Parameters params = Parameters.with("c", companyId);
        String query = "companyId = :c";
        if (after != null) {
            query += " and id > :after";
            params.and("after", after);
        }
        return find(query + " order by id", params).page(0, size).list();
    }

    public Uni<Boolean> nameTaken(UUID companyId, String name, UUID except) {
        return count("companyId = :c and lower(name) = lower(:n) and id <> :except",
                Parameters.with("c", companyId).and("n", name).and("except", except == null ? new UUID(0, 0) : except))
                .map(n -> n > 0);
    }
}
