package io.companyagents.gateway.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** Where the services behind the gateway listen ({@code COMPANY_AGENTS_SERVICES_<NAME>_URL}). */
@ConfigMapping(prefix = "company-agents.services")
public interface GatewayConfig {

    Service agents();

    Service tasks();

    Service ledger();

    Service audit();

    Service secrets();

    /** How long a service may stay silent before the gateway gives up on the request. */
    @WithDefault("PT30S")
    Duration timeout();

    interface Service {
        /** Base URL, e.g. {@code http://127.0.0.1:8181}. */
        String url();
    }
}
