package io.companyagents.platform.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.HashMap;
import java.util.Map;

/**
 * The real runtime a service's tests run against, without Docker: a fresh database on a real
 * PostgreSQL, a real Kafka broker (KRaft, in this JVM) and the internal-token key pair.
 * Started once per test JVM and shared by every Quarkus test in it.
 */
public class RuntimeTestResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        Map<String, String> props = new HashMap<>();
        props.putAll(TestPostgres.instance().quarkusProperties());
        props.put("kafka.bootstrap.servers", TestKafka.instance().bootstrapServers());
        props.putAll(TestKeys.instance().quarkusProperties());
        return props;
    }

    @Override
    public void stop() {
        // shared for the whole JVM; each holder stops itself at JVM exit
    }
}
