package io.companyagents.gateway.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.companyagents.gateway.routing.Backend;
import io.companyagents.gateway.routing.GatewayRouter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.net.URI;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * {@code /q/openapi}: one document for the whole public API, merged from the gateway's own and
 * every service's. Each service's schemas are namespaced ({@code agents.Company}) so two
 * services' same-named records cannot overwrite each other.
 */
@ApplicationScoped
public class MergedOpenApi {

    private static final String SCHEMA_REF = "#/components/schemas/";

    @Inject
    Vertx vertx;

    @Inject
    GatewayRouter router;

    @Inject
    ObjectMapper mapper;

    private HttpClient client;

    void install(@Observes Router r) {
        client = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(2_000));
        r.get("/q/openapi").order(-198).handler(this::serve);
    }

    private void serve(RoutingContext ctx) {
        int ownPort = ctx.request().localAddress().port();
        List<Future<JsonNode>> docs = new ArrayList<>();
        List<String> names = new ArrayList<>();
        names.add("gateway");
        docs.add(fetch("127.0.0.1", ownPort, "/q/openapi-gateway?format=json"));
        for (Map.Entry<Backend, URI> e : router.origins().entrySet()) {
            names.add(e.getKey().name().toLowerCase());
            docs.add(fetch(e.getValue().getHost(), e.getValue().getPort(), "/q/openapi?format=json"));
        }
        Future.join(new ArrayList<>(docs)).onComplete(done -> {
            ObjectNode merged = mapper.createObjectNode();
            merged.put("openapi", "3.1.0");
            ObjectNode info = merged.putObject("info");
            info.put("title", "Company Agents API");
            info.put("version", "0.1.0");
            info.put("description", "The public REST API, served through the gateway. Authenticate with "
                    + "'Authorization: Bearer <api key>'. Errors are application/problem+json.");
            ObjectNode paths = merged.putObject("paths");
            ObjectNode schemas = merged.putObject("components").putObject("schemas");
            merged.withObject("/components").putObject("securitySchemes").putObject("apiKey")
                    .put("type", "http").put("scheme", "bearer");
            merged.putArray("security").addObject().putArray("apiKey");
            ArrayNode unavailable = mapper.createArrayNode();
            for (int i = 0; i < docs.size(); i++) {
                Future<JsonNode> doc = docs.get(i);
                if (doc.failed()) {
                    unavailable.add(names.get(i));
                    continue;
                }
                mergeInto(paths, schemas, doc.result(), names.get(i));
            }
            if (!unavailable.isEmpty()) {
                merged.set("x-unavailable-services", unavailable);
            }
            ctx.response().putHeader("Content-Type", "application/json").end(merged.toString());
        });
    }

    private Future<JsonNode> fetch(String host, int port, String uri) {
        return client.request(new RequestOptions().setMethod(HttpMethod.GET).setHost(host).setPort(port).setURI(uri)
                        .setIdleTimeout(5_000))
                .compose(req -> req.send())
                .compose(resp -> resp.statusCode() == 200 ? resp.body() : Future.failedFuture("status " + resp.statusCode()))
                .map(body -> {
                    try {
                        return mapper.readTree(body.getBytes());
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
    }

    private void mergeInto(ObjectNode paths, ObjectNode schemas, JsonNode doc, String namespace) {
        JsonNode docPaths = doc.path("paths");
        for (Iterator<Map.Entry<String, JsonNode>> it = docPaths.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().startsWith("/api/")) {
                paths.set(e.getKey(), rewriteRefs(e.getValue().deepCopy(), namespace));
            }
        }
        JsonNode docSchemas = doc.path("components").path("schemas");
        for (Iterator<Map.Entry<String, JsonNode>> it = docSchemas.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            schemas.set(namespace + "." + e.getKey(), rewriteRefs(e.getValue().deepCopy(), namespace));
        }
    }

    private JsonNode rewriteRefs(JsonNode node, String namespace) {
        if (node instanceof ObjectNode object) {
            JsonNode ref = object.get("$ref");
            if (ref != null && ref.isTextual() && ref.asText().startsWith(SCHEMA_REF)) {
                object.set("$ref", TextNode.valueOf(SCHEMA_REF + namespace + "." + ref.asText().substring(SCHEMA_REF.length())));
            }
            object.fields().forEachRemaining(e -> rewriteRefs(e.getValue(), namespace));
        } else if (node instanceof ArrayNode array) {
            array.forEach(n -> rewriteRefs(n, namespace));
        }
        return node;
    }
}
