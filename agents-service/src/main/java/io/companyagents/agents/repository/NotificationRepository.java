package io.companyagents.agents.repository;

import io.companyagents.agents.domain.Notification;
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
public class NotificationRepository implements PanacheRepositoryBase<Notification, UUID> {

    public Uni<Notification> findInCompany(UUID companyId, UUID id) {
        return find("companyId = :c and id = :id", Parameters.with("c", companyId).and("id", id)).firstResult();
    }

    public Uni<Notification> lockInCompany(UUID companyId, UUID id) {
        return find("companyId = :c and id = :id", Parameters.with("c", companyId).and("id", id))
                .withLock(LockModeType.PESSIMISTIC_WRITE).firstResult();
    }

    /**
     * Keyset page in creation order. With a recipient: that agent's notifications, and with
     * {@code unacked} only those it has not acknowledged; without one, {@code unacked} keeps
     * those some recipient has not acknowledged.
     */
    public Uni<List<Notification>> page(UUID companyId, UUID after, UUID recipient, boolean unacked, int size) {
        StringBuilder sql = new StringBuilder("select n.* from notifications n where n.company_id = :c");
        if (after != null) {
            sql.append(" and n.id > :after");
        }
        if (recipient != null) {
            sql.append(" and n.recipients @> array[cast(:r as uuid)]");
            if (unacked) {
                sql.append(" and not jsonb_exists(n.acks, :r)");
            }
        } else if (unacked) {
            sql.append(" and (select count(*) from jsonb_object_keys(n.acks)) < cardinality(n.recipients)");
        }
        sql.append(" order by n.id limit :size");
        return getSession().chain(s -> {
            var query = s.createNativeQuery(sql.toString(), Notification.class)
                    .setParameter("c", companyId).setParameter("size", size);
            if (after != null) {
                query.setParameter("after", after);
            }
            if (recipient != null) {
                // one text parameter, cast where a uuid is needed (a parameter has a single type)
                query.setParameter("r", recipient.toString());
            }
            return query.getResultList();
        });
    }
}
