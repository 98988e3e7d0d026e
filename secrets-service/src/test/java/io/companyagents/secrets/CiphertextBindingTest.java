package io.companyagents.secrets;

import io.companyagents.platform.testing.RuntimeTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static io.companyagents.secrets.SecretsApiClient.as;
import static io.companyagents.secrets.SecretsApiClient.create;
import static io.companyagents.secrets.SecretsApiClient.destroy;
import static io.companyagents.secrets.SecretsApiClient.execute;
import static io.companyagents.secrets.SecretsApiClient.json;
import static io.companyagents.secrets.SecretsApiClient.owner;
import static io.companyagents.secrets.SecretsApiClient.reveal;
import static io.companyagents.secrets.SecretsApiClient.secret;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** Someone with write access to the database moves ciphertexts around: they must not decrypt. */
@QuarkusTest
@QuarkusTestResource(RuntimeTestResource.class)
class CiphertextBindingTest {

    /** Copies the sealed columns of one version row over another's. */
    private static void copySealed(String fromId, int fromVersion, String toId, int toVersion) throws Exception {
        execute("update secrets.secret_versions t set ciphertext = f.ciphertext, wrapped_data_key = f.wrapped_data_key,"
                + " kek_version = f.kek_version from secrets.secret_versions f where f.secret_id = '" + fromId
                + "' and f.version = " + fromVersion + " and t.secret_id = '" + toId + "' and t.version = " + toVersion);
    }

    private static void assertCleanDecryptionFailure(ExtractableResponse<Response> answer, String... values) {
        assertEquals(500, answer.statusCode(), answer.asString());
        assertEquals("application/problem+json", answer.contentType());
        assertEquals("decryption_failed", answer.path("code"));
        for (String value : values) {
            assertFalse(answer.asString().contains(value), "the failure answers no value");
        }
    }

    @Test
    void aCiphertextSwappedBetweenTwoSecretsFailsToDecrypt() throws Exception {
        UUID company = UUID.randomUUID();
        String a = create(company, "swap-a", "value-of-a");
        String b = create(company, "swap-b", "value-of-b");
        try {
            execute("update secrets.secret_versions t set ciphertext = f.ciphertext, wrapped_data_key = f.wrapped_data_key,"
                    + " kek_version = f.kek_version from secrets.secret_versions f where t.version = 1 and f.version = 1"
                    + " and ((t.secret_id = '" + a + "' and f.secret_id = '" + b + "') or (t.secret_id = '" + b
                    + "' and f.secret_id = '" + a + "'))");

            assertCleanDecryptionFailure(reveal(owner(company), company, a), "value-of-a", "value-of-b");
            assertCleanDecryptionFailure(reveal(owner(company), company, b), "value-of-a", "value-of-b");
        } finally {
            destroy(company, a, b);
        }
    }

    @Test
    void aCiphertextCopiedIntoAnotherCompanyFailsToDecrypt() throws Exception {
        UUID mine = UUID.randomUUID();
        UUID theirs = UUID.randomUUID();
        String source = create(mine, "shared-name", "mine-only");
        String target = create(theirs, "shared-name", "theirs");
        try {
            copySealed(source, 1, target, 1);

            assertCleanDecryptionFailure(reveal(owner(theirs), theirs, target), "mine-only");
            assertEquals("mine-only", reveal(owner(mine), mine, source).path("value"), "the original still opens");
        } finally {
            destroy(theirs, target);
        }
    }

    @Test
    void aCiphertextMovedToAnotherVersionOfTheSameSecretFailsToDecrypt() throws Exception {
        UUID company = UUID.randomUUID();
        String id = create(company, "versions", "old-value");
        as(owner(company)).body(json("value", "new-value")).put(secret(company, id) + "/value").then().statusCode(200);
        try {
            copySealed(id, 1, id, 2);

            assertCleanDecryptionFailure(reveal(owner(company), company, id), "old-value", "new-value");
        } finally {
            destroy(company, id);
        }
    }

    @Test
    void onlyTheDataKeyMovedFailsToDecryptToo() throws Exception {
        UUID company = UUID.randomUUID();
        String a = create(company, "key-a", "value-a");
        String b = create(company, "key-b", "value-b");
        try {
            execute("update secrets.secret_versions t set wrapped_data_key = f.wrapped_data_key"
                    + " from secrets.secret_versions f where f.secret_id = '" + a + "' and f.version = 1"
                    + " and t.secret_id = '" + b + "' and t.version = 1");

            assertCleanDecryptionFailure(reveal(owner(company), company, b), "value-a", "value-b");
            assertEquals("value-a", reveal(owner(company), company, a).path("value"));
        } finally {
            destroy(company, b);
        }
    }
}
