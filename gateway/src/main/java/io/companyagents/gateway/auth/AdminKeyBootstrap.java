package io.companyagents.gateway.auth;

import io.companyagents.platform.id.Ids;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * On first start, creates the admin API key: only its hash is stored; the key is written once
 * to the instance's {@code admin.key} (mode 0600) and never logged. A configured key
 * ({@code COMPANY_AGENTS_ADMIN_KEY}) is adopted instead of generating one.
 */
@ApplicationScoped
public class AdminKeyBootstrap {

    private static final Logger LOG = Logger.getLogger(AdminKeyBootstrap.class);

    @Inject
    Pool pool;

    @Inject
    KeyStore keys;

    /** The instance directory; the generated key is written to {@code admin.key} in it. */
    @ConfigProperty(name = "company-agents.instance-dir")
    Path instanceDir;

    /** A fixed admin key to adopt instead of generating one (a Kubernetes Secret, tests). */
    @ConfigProperty(name = "company-agents.admin-key")
    Optional<String> adminKey;

    void onStart(@Observes StartupEvent ignored) {
        String created = pool.withTransaction(tx -> tx.query("select pg_advisory_xact_lock(hashtext('gateway.admin-bootstrap'))").execute()
                        .chain(() -> tx.query("select 1 from api_keys where kind = 'admin' and revoked_at is null limit 1").execute())
                        .chain(rows -> {
                            if (rows.size() > 0) {
                                return io.smallrye.mutiny.Uni.createFrom().nullItem();
                            }
                            String key = adminKey.filter(ApiKeys::looksLikeKey).orElseGet(() -> ApiKeys.generate("admin"));
                            return keys.insert(tx, Ids.newId(), "admin", null, null, "admin", "bootstrap admin", key, "bootstrap")
                                    .replaceWith(key);
                        }))
                .await().atMost(Duration.ofSeconds(60));
        if (created == null) {
            return;
        }
        if (adminKey.isPresent()) {
            LOG.info("bootstrap admin key adopted from configuration");
            return;
        }
        Path file = instanceDir.resolve("admin.key");
        write(file, created);
        LOG.infof("bootstrap admin key created; it is in %s (shown once by 'company-agents up')", file);
    }

    private static void write(Path file, String key) {
        try {
            Files.createDirectories(file.getParent());
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, key + "\n", StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the admin key to " + file, e);
        }
    }
}
