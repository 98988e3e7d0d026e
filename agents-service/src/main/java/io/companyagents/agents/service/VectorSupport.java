package io.companyagents.agents.service;

import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Duration;

/**
 * Whether pgvector is usable here, learned once at start. Without it memory entries still keep
 * their embeddings and everything else works; only semantic search answers 501.
 */
@ApplicationScoped
public class VectorSupport {

    private static final Logger LOG = Logger.getLogger(VectorSupport.class);

    @Inject
    Pool pool;

    private volatile boolean available;

    void detect(@Observes StartupEvent start) {
        try {
            available = pool.query("select to_regtype('vector') is not null as present").execute()
                    .map(rows -> rows.iterator().next().getBoolean("present"))
                    .await().atMost(Duration.ofSeconds(15));
        } catch (RuntimeException e) {
            available = false;
        }
        if (!available) {
            LOG.warn("pgvector is not installed in this database: memory semantic search answers 501 "
                    + "vector_unavailable; embeddings are still stored and everything else works");
        }
    }

    public boolean available() {
        return available;
    }
}
