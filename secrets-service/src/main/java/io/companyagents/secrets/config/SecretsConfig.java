package io.companyagents.secrets.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.nio.file.Path;
import java.time.Duration;

/** How secrets-service finds its key-encryption key and paces key rotation. */
@ConfigMapping(prefix = "company-agents.secrets")
public interface SecretsConfig {

    /** Where the key-encryption key lives: {@code local} (key file or env) or {@code vault} (Transit). */
    @WithDefault("local")
    KekProvider kekProvider();

    Local local();

    Vault vault();

    Rotation rotation();

    enum KekProvider {
        local, vault
    }

    interface Local {
        /**
         * The Tink JSON keyset holding every KEK version, created with mode 0600 on first start
         * when neither it nor {@code COMPANY_AGENTS_MASTER_KEY} exists.
         */
        Path keyFile();
    }

    interface Vault {
        /** The Transit key that wraps data keys; created on first start if Vault has none of that name. */
        @WithDefault("company-agents-kek")
        String transitKey();

        /** How long the newest Transit key version is trusted before it is read again (other replicas may rotate). */
        @WithDefault("PT30S")
        Duration versionCacheTtl();
    }

    interface Rotation {
        /** Data keys re-wrapped per transaction. */
        @WithDefault("500")
        int batchSize();

        /** Pause before a failed batch is tried again. */
        @WithDefault("PT5S")
        Duration retryDelay();

        /** How often an idle replica looks for a rotation another replica started or left unfinished. */
        @WithDefault("PT1M")
        Duration pollInterval();
    }
}
