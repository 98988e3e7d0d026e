package io.companyagents.agents;

import io.companyagents.platform.testing.TestPostgres;
import io.companyagents.platform.testing.TestTokens;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.UUID;

import static io.restassured.RestAssured.given;

/** Builds org fixtures through the public API, as a client would. */
final class Org {

    static {
        // a failing expectation shows the exchange that failed it
        RestAssured.enableLoggingOfRequestAndResponseIfValidationFails();
    }

    private Org() {
    }

    static UUID company(String name) {
        String id = given().auth().oauth2(TestTokens.admin()).contentType(ContentType.JSON)
                .body("{\"name\":\"" + name + " " + UUID.randomUUID().toString().substring(0, 8) + "\"}")
                .post("/api/v1/companies").then().statusCode(201).extract().path("id");
        return UUID.fromString(id);
    }

    static String owner(UUID companyId) {
        return TestTokens.board(companyId, "owner");
    }

    static UUID team(UUID companyId, String name) {
        String id = given().auth().oauth2(owner(companyId)).contentType(ContentType.JSON)
                .body("{\"name\":\"" + name + "\"}")
                .post("/api/v1/companies/" + companyId + "/teams").then().statusCode(201).extract().path("id");
        return UUID.fromString(id);
    }

    /** An agent; {@code extra} is more JSON members, e.g. {@code "\"teamId\":\"…\""}, or empty. */
    static UUID agent(UUID companyId, String name, String role, String extra) {
        String body = "{\"name\":\"" + name + "\",\"role\":\"" + role + "\"" + (extra.isEmpty() ? "" : "," + extra) + "}";
        String id = given().auth().oauth2(owner(companyId)).contentType(ContentType.JSON).body(body)
                .post("/api/v1/companies/" + companyId + "/agents").then().statusCode(201).extract().path("id");
        return UUID.fromString(id);
    }

    static String agentPath(UUID companyId, UUID agentId) {
        return "/api/v1/companies/" + companyId + "/agents/" + agentId;
    }

    static long scalar(String sql, Object... params) throws Exception {
        try (Connection c = TestPostgres.instance().connect(); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                s.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Outbox rows of one type about one subject (the outbox keeps sent rows for an hour). */
    static long events(String type, UUID subjectId) throws Exception {
        return scalar("select count(*) from agents.outbox where event_type = ? and payload::jsonb ->> 'subjectid' = ?",
                "io.companyagents." + type, subjectId.toString());
    }

    /** Outbox rows of one type about one subject by one actor. */
    static long eventsBy(String type, UUID subjectId, String actorId) throws Exception {
        return scalar("select count(*) from agents.outbox where event_type = ? and payload::jsonb ->> 'subjectid' = ?"
                + " and payload::jsonb ->> 'actorid' = ?", "io.companyagents." + type, subjectId.toString(), actorId);
    }
}
