package io.companyagents.ledger.messaging;

import io.companyagents.platform.inbox.DeadLetters;
import io.companyagents.platform.inbox.PoisonEventException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.companyagents.ledger.repository.AgentProjection;
import io.companyagents.ledger.service.CostService;
import io.companyagents.platform.events.EventPayloads;
import io.companyagents.platform.events.EventType;
import io.companyagents.platform.events.KafkaSend;
import io.companyagents.platform.inbox.Inbox;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.UUID;

/**
 * What the ledger learns from others, each event applied once (inbox, same transaction as the
 * effect): agents and their teams from ca.agents.v1, and runs' usage from ca.tasks.v1
 * ({@code run.finished}), recorded as a cost entry. Other events are skipped without touching
 * the database, and without parsing when their type header names them (six of a task cycle's
 * seven). Consumed a polled batch at a time; a poison event is moved to the dead-letter topic at
 * once, transient failures are retried with back-off.
 */
@ApplicationScoped
public class LedgerConsumer {

    private static final Logger LOG = Logger.getLogger(LedgerConsumer.class);
    static final String CONSUMER = "ledger-projections";
    private static final Set<String> AGENT_TYPES = Set.of(EventType.AGENT_CREATED.type(), EventType.AGENT_UPDATED.type(),
            EventType.AGENT_STATUS_CHANGED.type());
    /** The types the ledger applies; every other event is skipped. */
    private static final Set<String> APPLIED = Set.of(EventType.AGENT_CREATED.type(), EventType.AGENT_UPDATED.type(),
            EventType.AGENT_STATUS_CHANGED.type(), EventType.RUN_FINISHED.type());

    @Inject
    Pool pool;

    @Inject
    Inbox inbox;

    @Inject
    AgentProjection agents;

    @Inject
    CostService costs;

    @Inject
    ObjectMapper mapper;

    /**
     * An event this consumer applies: its envelope and the work it implies; for a run's usage,
     * also the usage, so that consecutive runs of a batch are recorded together.
     */
    private record Applicable(UUID id, String describe, java.util.function.Function<SqlConnection, Uni<Void>> effect,
                              CostService.RunUsage usage) {
    }

    @Inject
    @Channel("dead-letters")
    @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 1024)
    Emitter<String> deadLetters;

    /** An applicable event and the record it came in, kept to dead-letter it if it cannot be applied. */
    private record Work(ConsumerRecord<String, String> record, Applicable applicable) {
    }

    /**
     * A polled batch: poison records are dead-lettered, events the ledger does not need are
     * skipped, and the rest are applied in order in one transaction whose inbox insert covers the
     * whole batch. If the batch keeps failing, each event is retried on its own and one that
     * still cannot be applied is dead-lettered, so one bad event cannot hold the others back.
     * Offsets are committed only when every event is applied or parked.
     */
    @Incoming("ledger-in")
    public Uni<Void> consume(ConsumerRecords<String, String> records) {
        List<Work> work = new ArrayList<>();
        List<CompletableFuture<Void>> parked = new ArrayList<>();
        for (ConsumerRecord<String, String> record : records) {
            if (KafkaSend.namesAnotherType(record, APPLIED)) {
                continue; // the header says the ledger does not need it: skipped unread
            }
            try {
                Applicable applicable = parse(record.value());
                if (applicable != null) {
                    work.add(new Work(record, applicable));
                }
            } catch (PoisonEventException e) {
                LOG.warnf("poison event at %s-%d@%d: %s", record.topic(), record.partition(), record.offset(), e.getMessage());
                parked.add(DeadLetters.send(deadLetters, record, e.getMessage()));
            }
        }
        if (work.isEmpty()) {
            return DeadLetters.all(parked);
        }
        return DeadLetters.all(parked).chain(() -> applyAll(work)
                .onFailure().retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(2)).atMost(3)
                .onFailure().recoverWithUni(f -> {
                    LOG.warnf("a batch of %d event(s) could not be applied (%s); applying them one by one", work.size(),
                            f.getMessage());
                    return oneByOne(work);
                }));
    }

    /** Applies the batch in order; runs' usages between two agent events are recorded together. */
    private Uni<Void> applyAll(List<Work> work) {
        List<UUID> ids = work.stream().map(w -> w.applicable().id()).toList();
        return pool.withTransaction(tx -> inbox.firstDeliveries(tx, CONSUMER, ids).chain(fresh -> {
            Uni<Void> chain = Uni.createFrom().voidItem();
            List<CostService.RunUsage> usages = new ArrayList<>();
            for (Work w : work) {
                Applicable a = w.applicable();
                if (!fresh.remove(a.id())) {
                    continue;
                }
                if (a.usage() != null) {
                    usages.add(a.usage());
                    continue;
                }
                chain = chain.chain(recordTogether(tx, usages)).chain(() -> a.effect().apply(tx));
                usages = new ArrayList<>();
            }
            return chain.chain(recordTogether(tx, usages));
        }));
    }

    private java.util.function.Supplier<Uni<? extends Void>> recordTogether(SqlConnection tx, List<CostService.RunUsage> usages) {
        return () -> usages.isEmpty() ? Uni.createFrom().voidItem() : costs.recordRunUsages(tx, usages);
    }

    private Uni<Void> oneByOne(List<Work> work) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (Work w : work) {
            Applicable applicable = w.applicable();
            chain = chain.chain(() -> pool.withTransaction(tx -> inbox.firstDelivery(tx, CONSUMER, applicable.id())
                            .chain(first -> first ? applicable.effect().apply(tx) : Uni.createFrom().voidItem()))
                    .onFailure().retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(10)).atMost(20)
                    .onFailure().recoverWithUni(f -> {
                        LOG.errorf("could not apply %s %s, moved to the dead-letter topic: %s", applicable.describe(),
                                applicable.id(), f.getMessage());
                        return Uni.createFrom().completionStage(DeadLetters.send(deadLetters, w.record(),
                                "could not apply: " + f.getClass().getSimpleName()));
                    }));
        }
        return chain;
    }

    /** The event's effect, or null for an event the ledger does not need. */
    private Applicable parse(String json) {
        JsonNode event;
        try {
            event = mapper.readTree(json);
        } catch (Exception e) {
            throw new PoisonEventException("not JSON");
        }
        if (event == null || !event.isObject()) {
            throw new PoisonEventException("not a JSON object");
        }
        String type = event.path("type").asText("");
        if (!APPLIED.contains(type)) {
            return null;
        }
        boolean agent = AGENT_TYPES.contains(type);
        UUID id;
        UUID company;
        try {
            id = UUID.fromString(event.path("id").asText());
            company = UUID.fromString(event.path("companyid").asText());
        } catch (IllegalArgumentException e) {
            throw new PoisonEventException(type + " without a valid id or companyid");
        }
        JsonNode data = event.path("data");
        if (agent) {
            EventPayloads.AgentChanged a = read(data, EventPayloads.AgentChanged.class, type);
            if (a.id() == null) {
                throw new PoisonEventException(type + " without an agent id");
            }
            return new Applicable(id, type, tx -> agents.upsert(tx, company, a.id(), a.teamId(), a.version()), null);
        }
        EventPayloads.RunFinished run = read(data, EventPayloads.RunFinished.class, type);
        EventPayloads.Usage u = run.usage();
        if (u == null) {
            return null;
        }
        if (run.agentId() == null || u.provider() == null || u.model() == null || u.inputTokens() < 0 || u.outputTokens() < 0
                || (u.cachedInputTokens() != null && u.cachedInputTokens() < 0) || (u.costMicros() != null && u.costMicros() < 0)) {
            throw new PoisonEventException(type + " with incomplete or negative usage");
        }
        OffsetDateTime time;
        try {
            time = event.hasNonNull("time") ? OffsetDateTime.parse(event.get("time").asText()) : OffsetDateTime.now(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw new PoisonEventException(type + " with an unreadable time");
        }
        String actorType = event.path("actortype").asText("system");
        String actorId = event.path("actorid").asText("tasks-service");
        CostService.RunUsage usage = new CostService.RunUsage(id, company, time, actorType, actorId, run);
        return new Applicable(id, type, tx -> costs.recordRunUsages(tx, List.of(usage)), usage);
    }

    private <T> T read(JsonNode data, Class<T> type, String eventType) {
        try {
            T value = mapper.readerFor(type).without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).readValue(data);
            if (value == null) {
                throw new PoisonEventException(eventType + " without data");
            }
            return value;
        } catch (PoisonEventException e) {
            throw e;
        } catch (Exception e) {
            throw new PoisonEventException("malformed " + eventType + ": " + e.getClass().getSimpleName());
        }
    }
}
