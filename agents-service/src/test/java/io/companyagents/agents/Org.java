package io.companyagents.agents;

import io.companyagents.platform.testing.TestPostgres;
import io.companyagents.platform.testing.TestTokens;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

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

    /** A project with no team and no git token. */
    static UUID project(UUID companyId, String name, UUID teamId) {
        String body = "{\"name\":\"" + name + "\"" + (teamId == null ? "" : ",\"teamId\":\"" + teamId + "\"") + "}";
        String id = given().auth().oauth2(owner(companyId)).contentType(ContentType.JSON).body(body)
                .post("/api/v1/companies/" + companyId + "/projects").then().statusCode(201).extract().path("id");
        return UUID.fromString(id);
    }

    /**
     * Runs {@code n} calls at once (released together by a gate) and returns their results in
     * call order; each call gets its index.
     */
    static <T> List<T> concurrently(int n, IntFunction<T> call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            CountDownLatch gate = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int index = i;
                futures.add(pool.submit(() -> {
                    gate.await();
                    return call.apply(index);
                }));
            }
            gate.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                results.add(f.get(60, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
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
