package io.companyagents.agents.repository;

import io.companyagents.agents.domain.MemoryEntry;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.UUID;

@ApplicationScoped
@WithSession
public class MemoryEntryRepository implements PanacheRepositoryBase<MemoryEntry, UUID> {

    /** The mapped columns: the generated full-text column is the database's business, not the entity's. */
    private static final String COLUMNS = "e.id, e.company_id, e.scope_id, e.content, e.tags, e.metadata, e.embedding,"
            + " e.created_by_type, e.created_by, e.run_id, e.created_at";

    /** Keyset page of a scope's entries in creation order, optionally only those with a tag. */
    public Uni<List<MemoryEntry>> page(UUID scopeId, UUID after, String tag, int size) {
        StringBuilder sql = new StringBuilder("select " + COLUMNS + " from memory_entries e where e.scope_id = :scope");
        if (after != null) {
            sql.append(" and e.id > :after");
        }
        if (tag != null) {
            sql.append(" and e.tags @> array[cast(:tag as text)]");
        }
        sql.append(" order by e.id limit :size");
        return getSession().chain(s -> {
            var query = s.createNativeQuery(sql.toString(), MemoryEntry.class)
                    .setParameter("scope", scopeId).setParameter("size", size);
            if (after != null) {
                query.setParameter("after", after);
            }
            if (tag != null) {
                query.setParameter("tag", tag);
            }
            return query.getResultList();
        });
    }

    /**
     * Full-text search (web-search syntax: words, "phrases", -exclusions, or), best match first
     * by {@code ts_rank}; {@code offset} pages through the ranking.
     */
    public Uni<List<MemoryEntry>> search(UUID scopeId, String text, String tag, long offset, int size) {
        String sql = "select " + COLUMNS + " from memory_entries e, websearch_to_tsquery('english', :q) q"
                + " where e.scope_id = :scope and e.search @@ q"
                + (tag == null ? "" : " and e.tags @> array[cast(:tag as text)]")
                + " order by ts_rank(e.search, q) desc, e.id offset :offset limit :size";
        return getSession().chain(s -> {
            var query = s.createNativeQuery(sql, MemoryEntry.class)
                    .setParameter("q", text).setParameter("scope", scopeId)
                    .setParameter("offset", offset).setParameter("size", size);
            if (tag != null) {
                query.setParameter("tag", tag);
            }
            return query.getResultList();
        });
    }

    /** Nearest entries by cosine distance; only callable where pgvector is installed. */
    public Uni<List<MemoryEntry>> nearest(UUID scopeId, String vectorLiteral, int dimensions, int k) {
        String sql = "select " + COLUMNS + " from memory_entries e where e.scope_id = :scope and e.embedding is not null"
                + " and cardinality(e.embedding) = :dims"
                + " order by cast(e.embedding as vector) <=> cast(:v as vector), e.id limit :k";
        return getSession().chain(s -> s.createNativeQuery(sql, MemoryEntry.class)
                .setParameter("scope", scopeId).setParameter("dims", dimensions)
                .setParameter("v", vectorLiteral).setParameter("k", k)
                .getResultList());
    }
}
