package io.companyagents.platform.metrics;

import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Every meter carries {@code application="<quarkus.application.name>"} (agents-service, ...,
 * gateway), so a scrape is self-describing whatever the Prometheus job or target labels are.
 */
@Singleton
public class CommonTags {

    @ConfigProperty(name = "quarkus.application.name", defaultValue = "company-agents")
    String application;

    @Produces
    @Singleton
    MeterFilter applicationTag() {
        return MeterFilter.commonTags(Tags.of("application", application));
    }
}
