package io.companyagents.cli.ops;

import com.fasterxml.jackson.databind.JsonNode;
import io.companyagents.cli.up.InstanceLayout;
import io.companyagents.cli.up.RunFile;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;

/** Calls the gateway with the admin API key (from the instance's admin.key unless given). */
final class GatewayClient {

    record Response(int status, JsonNode body) {
        String problem() {
            if (body == null || body.isMissingNode() || body.isNull()) {
                return "HTTP " + status;
            }
            String code = body.path("code").asText("");
            String detail = body.path("detail").asText(body.path("title").asText(""));
            return "HTTP " + status + (code.isEmpty() ? "" : " " + code) + (detail.isEmpty() ? "" : ": " + detail);
        }
    }

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final String baseUrl;
    private final String adminKey;

    private GatewayClient(String baseUrl, String adminKey) {
        this.baseUrl = baseUrl.replaceAll("/+$", "");
        this.adminKey = adminKey;
    }

    static GatewayClient of(InstanceLayout layout, String url, String key) {
        String base = url;
        if (base == null || base.isBlank()) {
            base = RunFile.readIfExists(layout.runFile()).map(RunFile::gatewayUrl).orElseThrow(() -> Ops.environment(
                    "company-agents is not running for instance " + layout.root()
                            + " (no run.json); start it with 'company-agents up' or pass --url."));
        }
        String admin = key;
        if (admin == null || admin.isBlank()) {
            try {
                admin = Files.readString(layout.adminKey(), StandardCharsets.UTF_8).trim();
            } catch (IOException e) {
                throw Ops.environment("Cannot read the admin key " + layout.adminKey()
                        + " (pass --admin-key or set COMPANY_AGENTS_ADMIN_KEY): " + Ops.reason(e));
            }
        }
        return new GatewayClient(base, admin);
    }

    String baseUrl() {
        return baseUrl;
    }

    Response get(String path) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path)).GET());
    }

    Response post(String path) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}")));
    }

    private Response send(HttpRequest.Builder builder) {
        HttpRequest request = builder.header("Authorization", "Bearer " + adminKey).header("Accept", "application/json")
                .timeout(Duration.ofSeconds(60)).build();
        try {
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
            JsonNode body = null;
            if (r.body() != null && !r.body().isBlank()) {
                try {
                    body = Ops.JSON.readTree(r.body());
                } catch (IOException e) {
                    body = null;
                }
            }
            if (r.statusCode() == 401) {
                throw Ops.environment("The gateway at " + baseUrl + " refused the admin key (HTTP 401).");
            }
            return new Response(r.statusCode(), body);
        } catch (IOException e) {
            throw Ops.environment("Cannot reach the gateway at " + baseUrl + ": " + Ops.reason(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Ops.fail("Interrupted.");
        }
    }

    static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
