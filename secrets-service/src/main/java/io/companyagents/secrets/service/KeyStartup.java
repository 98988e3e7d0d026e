package io.companyagents.secrets.service;

import io.companyagents.secrets.config.SecretsConfig;
import io.companyagents.secrets.crypto.KekStartup;
import io.companyagents.secrets.crypto.KeyEncryptionKey;
import io.companyagents.secrets.crypto.KeyEncryptionKeys;
import io.companyagents.secrets.crypto.KeyUnavailableException;
import io.companyagents.secrets.crypto.VaultTransitKeyEncryptionKey;
import io.companyagents.secrets.repository.KeyRepository;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vault.VaultTransitSecretEngine;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.Optional;

/**
 * At start (after Flyway): opens the configured KEK against what the database needs, refuses
 * to run with one line if stored data's key is missing, records the key metadata, and resumes
 * an unfinished rotation.
 */
@ApplicationScoped
public class KeyStartup {

    private static final Logger LOG = Logger.getLogger(KeyStartup.class);
    private static final Duration DB_TIMEOUT = Duration.ofMinutes(1);

    @Inject
    SecretsConfig config;

    @Inject
    Pool pool;

    @Inject
    KeyRepository keys;

    @Inject
    KeyEncryptionKeys keks;

    @Inject
    KeyRotationWorker worker;

    @Inject
    Instance<VaultTransitSecretEngine> transit;

    /** {@code COMPANY_AGENTS_MASTER_KEY}: base64 of 32 raw key bytes or of a Tink keyset. */
    @ConfigProperty(name = "company-agents.master-key")
    Optional<String> masterKey;

    void onStart(@Observes @Priority(10) StartupEvent ignored) {
        KekStartup.Stored stored = keys.stored(pool).await().atMost(DB_TIMEOUT);
        KeyEncryptionKey kek;
        try {
            kek = switch (config.kekProvider()) {
                case local -> KekStartup.openLocal(masterKey, config.local().keyFile(), stored);
                case vault -> KekStartup.openVault(new VaultTransitKeyEncryptionKey(transit.get(),
                        config.vault().transitKey(), config.vault().versionCacheTtl()), stored);
            };
        } catch (KeyUnavailableException e) {
            LOG.error(e.getMessage());
            throw e;
        }
        int primary = kek.primary().version();
        pool.withTransaction(tx -> keys.recordVersions(tx, kek.provider(), kek.versions(), primary))
                .await().atMost(DB_TIMEOUT);
        keks.use(kek);
        LOG.infof("key-encryption key from %s: versions %s, primary %d", kek.source(), kek.versions(), primary);
        worker.start();
    }
}
