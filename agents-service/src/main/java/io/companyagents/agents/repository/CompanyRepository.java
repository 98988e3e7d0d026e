package io.companyagents.agents.repository;

import io.companyagents.agents.domain.Company;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.UUID;

@ApplicationScoped
@WithSession
public class CompanyRepository implements PanacheRepositoryBase<Company, UUID> {

    /** Keyset page in id (creation) order, optionally limited to one company. */
    public Uni<List<Company>> page(UUID after, UUID onlyCompany, int size) {
        StringBuilder query = new StringBuilder("1 = 1");
        Parameters params = new Parameters();
        if (after != null) {
            query.append(" and id > :after");
            params.and("after", after);
        }
        if (onlyCompany != null) {
            query.append(" and id = :only");
            params.and("only", onlyCompany);
        }
        return find(query + " order by id", params).page(0, size).list();
    }

    public Uni<Boolean> slugTaken(String slug) {
        return count("slug", slug).map(n -> n > 0);
    }
}
