package io.companyagents.secrets;

import io.companyagents.platform.testing.RuntimeTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static io.companyagents.secrets.SecretsApiClient.create;
import static io.companyagents.secrets.SecretsApiClient.execute;
import static io.companyagents.secrets.SecretsApiClient.owner;
import static io.companyagents.secrets.SecretsApiClient.reveal;
import static io.companyagents.secrets.SecretsApiClient.scalar;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** A reveal is on the record before its value leaves the service, or it does not happen. */
@QuarkusTest
@QuarkusTestResource(RuntimeTestResource.class)
class RevealEventTest {

    private static long revealEvents(String id) throws Exception {
        return scalar("select count(*) from secrets.outbox where event_type = 'io.companyagents.secret.revealed'"
                + " and payload like '%" + id + "%'");
    }

    @Test
    void noValueIsAnsweredWhenTheRevealEventCannotBeCommitted() throws Exception {
        UUID company = UUID.randomUUID();
        String id = create(company, "audited", "audited-value");
        execute("create function secrets.test_refuse_reveal_event() returns trigger language plpgsql as $$"
                + " begin raise exception 'outbox unavailable'; end $$");
        execute("create trigger test_refuse_reveal_event before insert on secrets.outbox for each row"
                + " when (new.event_type = 'io.companyagents.secret.revealed' and new.payload like '%" + id + "%')"
                + " execute function secrets.test_refuse_reveal_event()");
        try {
            var refused = reveal(owner(company), company, id);
            assertEquals(500, refused.statusCode());
            assertEquals("internal_error", refused.path("code"));
            assertFalse(refused.asString().contains("audited-value"));
            assertFalse(refused.asString().contains("outbox unavailable"), "no SQL detail in the answer");
            assertEquals(0, revealEvents(id));
        } finally {
            execute("drop trigger test_refuse_reveal_event on secrets.outbox");
            execute("drop function secrets.test_refuse_reveal_event()");
        }

        var revealed = reveal(owner(company), company, id);
        assertEquals(200, revealed.statusCode());
        assertEquals("audited-value", revealed.path("value"));
        assertEquals(1, revealEvents(id), "the event was committed by the time the value was answered");
    }
}
