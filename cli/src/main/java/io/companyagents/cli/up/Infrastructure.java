package io.companyagents.cli.up;

/**
 * Postgres and Kafka as started (or found) by {@link SystemLauncher#startInfrastructure()}. Closing it
 * closes the launcher that started it (Kafka first, then Postgres).
 */
public final class Infrastructure implements AutoCloseable {

    private final PostgresServer postgres;
    private final KafkaBroker kafka;
    private final AutoCloseable owner;

    Infrastructure(PostgresServer postgres, KafkaBroker kafka, AutoCloseable owner) {
        this.postgres = postgres;
        this.kafka = kafka;
        this.owner = owner;
    }

    public PostgresServer postgres() {
        return postgres;
    }

    public KafkaBroker kafka() {
        return kafka;
    }

    /** {@code postgres://user:pass@host:port/db}. */
    public String databaseUrl() {
        return postgres.databaseUrl();
    }

    public String kafkaBootstrapServers() {
        return kafka.bootstrapServers();
    }

    @Override
    public void close() {
        try {
            owner.close();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
