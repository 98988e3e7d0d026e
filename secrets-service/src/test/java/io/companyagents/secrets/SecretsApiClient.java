package io.companyagents.secrets;

import io.companyagents.platform.testing.TestPostgres;
import io.companyagents.platform.testing.TestTokens;
import io.restassured.http.ContentType;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.UUID;

import static io.restassured.RestAssured.given;

/** Small helpers the secrets tests share: calls as a given key, and SQL straight at the schema. */
final class SecretsApiClient {

    private SecretsApiClient() {
    }

    static String secrets(UUID company) {
        return "/api/v1/companies/" + company + "/secrets";
    }

    static String secret(UUID company, String id) {
        return secrets(company) + "/" + id;
    }

    static RequestSpecification as(String token) {
        return given().auth().oauth2(token).contentType(ContentType.JSON);
    }

    static String owner(UUID company) {
        return TestTokens.board(company, "owner");
    }

    static String json(String... pairs) {
        StringBuilder b = new StringBuilder("{");
        for (int i = 0; i < pairs.length; i += 2) {
            if (i > 0) {
                b.append(',');
            }
            b.append('"').append(pairs[i]).append("\":\"").append(pairs[i + 1]).append('"');
        }
        return b.append('}').toString();
    }

    /** Creates a secret as the company's owner; answers its id. */
    static String create(UUID company, String name, String value) {
        return as(owner(company)).body(json("name", name, "value", value)).post(secrets(company))
                .then().statusCode(201).extract().path("id");
    }

    static ExtractableResponse<Response> reveal(String token, UUID company, String id) {
        return as(token).body(json("reason", "test")).post(secret(company, id) + "/reveal").then().extract();
    }

    /** Crypto-shreds secrets a test left unreadable on purpose, so later tests (rotation) do not trip on them. */
    static void destroy(UUID company, String... ids) {
        for (String id : ids) {
            as(owner(company)).post(secret(company, id) + "/destroy").then().statusCode(200);
        }
    }

    static long scalar(String sql) throws Exception {
        try (Connection c = TestPostgres.instance().connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static void execute(String sql) throws Exception {
        try (Connection c = TestPostgres.instance().connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
