package io.companyagents.agents.messaging;

import io.companyagents.platform.inbox.PoisonEventException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.companyagents.agents.service.BudgetEnforcement;
import io.companyagents.platform.events.EventType;
import io.companyagents.platform.events.KafkaSend;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * Applies the ledger's budget hard stops and recoveries to the org. Other ledger events are
 * skipped, unread when their type header names them. Transient failures (the database away) are
 * retried with back-off; a poison event fails at once, the connector moves it to the dead-letter
 * topic and the channel keeps running.
 */
@ApplicationScoped
public class BudgetEventConsumer {

    private static final Logger LOG = Logger.getLogger(BudgetEventConsumer.class);

    /** The types this consumer applies; a record whose type header names another is skipped without parsing. */
    private static final Set<String> APPLIED = Set.of(EventType.BUDGET_EXCEEDED.type(), EventType.BUDGET_RECOVERED.type());

    @Inject
    BudgetEnforcement enforcement;

    @Inject
    ObjectMapper mapper;

    @Incoming("budget-events")
    public Uni<Void> consume(ConsumerRecord<String, String> record) {
        if (KafkaSend.namesAnotherType(record, APPLIED)) {
            return Uni.createFrom().voidItem(); // the header says it is not a budget signal: skipped unread
        }
        Optional<BudgetSignal> signal;
        try {
            signal = BudgetSignal.parse(mapper, record.value());
        } catch (PoisonEventException e) {
            LOG.warnf("poison event at %s-%d@%d: %s", record.topic(), record.partition(), record.offset(), e.getMessage());
            return Uni.createFrom().failure(e);
        }
        if (signal.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        BudgetSignal s = signal.get();
        return enforcement.apply(s)
                .onFailure().retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(10)).atMost(30)
                .invoke(changed -> {
                    if (!changed.isEmpty()) {
                        LOG.infof("budget %s for %s %s: %d agent(s) %s", s.exceeded() ? "stop" : "recovery",
                                s.scopeType(), s.scopeId(), changed.size(), s.exceeded() ? "paused" : "resumed");
                    }
                })
                .replaceWithVoid();
    }
}
