package io.companyagents.agents;

import io.companyagents.platform.testing.RuntimeTestResource;
import io.companyagents.platform.testing.ServiceContractTest;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@QuarkusTestResource(RuntimeTestResource.class)
class AgentsServiceContractTest extends ServiceContractTest {
}
