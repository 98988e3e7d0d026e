package io.companyagents.gateway.routing;

import io.companyagents.gateway.auth.Identity;
import io.companyagents.gateway.auth.InternalTokens;
import io.companyagents.gateway.auth.KeyStore;
import io.companyagents.gateway.config.GatewayConfig;
import io.companyagents.platform.problem.Problem;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.Json;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.httpproxy.Body;
import io.vertx.httpproxy.HttpProxy;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyInterceptor;
import io.vertx.httpproxy.ProxyResponse;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.net.URI;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The front door: every request gets an {@code X-Request-Id}; every {@code /api/} request is
 * authenticated by its API key, then either served by the gateway itself or proxied (Vert.x
 * HTTP proxy, streaming) to the owning service with the client's credential replaced by the
 * gateway's internal token. A service that is down answers 503 problem+json, not a hang.
 */
@ApplicationScoped
public class GatewayRouter {

    public static final String IDENTITY = "ca.identity";
    public static final String REQUEST_ID = "ca.requestId";
    private static final String REQUEST_ID_HEADER = "X-Request-Id";
    private static final Pattern SAFE_REQUEST_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    private static final Logger LOG = Logger.getLogger(GatewayRouter.class);

    @Inject
    KeyStore keys;

    @Inject
    InternalTokens tokens;

    @Inject
    GatewayConfig config;

    @Inject
    Vertx vertx;

    @Inject
    RateLimits rateLimits;

    /** Largest request body the gateway forwards (by Content-Length). */
    @org.eclipse.microprofile.config.inject.ConfigProperty(name = "company-agents.gateway.max-body-bytes", defaultValue = "1048576")
    long maxBodyBytes;

    private final Map<Backend, HttpProxy> proxies = new EnumMap<>(Backend.class);
    private final Map<Backend, URI> origins = new EnumMap<>(Backend.class);

    void install(@Observes Router router) {
        HttpClient client = vertx.createHttpClient(new HttpClientOptions()
                .setConnectTimeout(2_000).setKeepAlive(true).setMaxPoolSize(128).setPipelining(false));
        origin(Backend.AGENTS, config.agents().url(), client);
        origin(Backend.TASKS, config.tasks().url(), client);
        origin(Backend.LEDGER, config.ledger().url(), client);
        origin(Backend.AUDIT, config.audit().url(), client);
        origin(Backend.SECRETS, config.secrets().url(), client);
        router.route().order(-200).handler(this::requestId);
        router.route("/api/*").order(-199).handler(this::authenticateAndRoute);
    }

    public Map<Backend, URI> origins() {
        return origins;
    }

    private void origin(Backend backend, String url, HttpClient client) {
        URI uri = URI.create(url);
        origins.put(backend, uri);
        long timeout = config.timeout().toMillis();
        HttpProxy proxy = HttpProxy.reverseProxy(client)
                .originRequestProvider((request, c) -> c.request(new RequestOptions()
                        .setHost(uri.getHost()).setPort(uri.getPort()).setIdleTimeout(timeout)))
                .addInterceptor(new ProxyInterceptor() {
                    @Override
                    public Future<ProxyResponse> handleProxyRequest(ProxyContext context) {
                        return context.sendRequest().recover(failure -> {
                            LOG.warnf("%s unavailable: %s", backend, failure.getMessage());
                            return Future.succeededFuture(problem(context.request().response(), 503, "service_unavailable",
                                    "Service Unavailable", backend.name().toLowerCase() + "-service is not answering; retry shortly"));
                        });
                    }
                });
        proxies.put(backend, proxy);
    }

    private static ProxyResponse problem(ProxyResponse response, int status, String code, String title, String detail) {
        Buffer body = Buffer.buffer(Json.encode(Problem.body(status, code, title, detail, List.of(), Map.of())));
        response.headers().clear();
        return response.setStatusCode(status).setStatusMessage(title)
                .putHeader("Content-Type", Problem.MEDIA_TYPE)
                .setBody(Body.body(body));
    }

    private void requestId(RoutingContext ctx) {
        String incoming = ctx.request().getHeader(REQUEST_ID_HEADER);
        String id = incoming != null && SAFE_REQUEST_ID.matcher(incoming).matches() ? incoming : UUID.randomUUID().toString();
        ctx.put(REQUEST_ID, id);
        ctx.request().headers().set(REQUEST_ID_HEADER, id);
        ctx.addHeadersEndHandler(v -> ctx.response().headers().set(REQUEST_ID_HEADER, id));
        ctx.next();
    }

    private void authenticateAndRoute(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        Optional<Backend> backend = ServiceRoutes.resolve(request.path());
        if (backend.isEmpty()) {
            respond(ctx, 404, "not_found", "Not Found", "no such endpoint");
            return;
        }
        String length = request.getHeader("Content-Length");
        if (length != null && length.chars().allMatch(Character::isDigit) && length.length() < 19 && Long.parseLong(length) > maxBodyBytes) {
            respond(ctx, 413, "payload_too_large", "Content Too Large", "the request body exceeds " + maxBodyBytes + " bytes");
            return;
        }
        String header = request.getHeader("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            unauthorized(ctx);
            return;
        }
        request.pause();
        keys.lookup(header.substring(7).trim()).subscribe().with(found -> {
            if (found.isEmpty()) {
                request.resume();
                unauthorized(ctx);
                return;
            }
            Identity identity = found.get();
            long retryAfter = rateLimits.tryAcquire(identity.keyId());
            if (retryAfter > 0) {
                request.resume();
                ctx.response().putHeader("Retry-After", Long.toString(retryAfter));
                respond(ctx, 429, "rate_limited", "Too Many Requests", "this key is over its request rate; retry after " + retryAfter + " s");
                return;
            }
            var refusal = AccessPolicy.check(identity, request.method().name(), request.path());
            if (refusal.isPresent()) {
                request.resume();
                respond(ctx, refusal.get().status(), refusal.get().code(),
                        refusal.get().status() == 404 ? "Not Found" : "Forbidden", refusal.get().detail());
                return;
            }
            ctx.put(IDENTITY, identity);
            if (backend.get() == Backend.GATEWAY) {
                request.resume();
                ctx.next();
                return;
            }
            request.headers().set("Authorization", "Bearer " + tokens.tokenFor(identity));
            proxies.get(backend.get()).handle(request);
        }, failure -> {
            request.resume();
            LOG.warnf("key store unavailable: %s", failure.getMessage());
            respond(ctx, 503, "service_unavailable", "Service Unavailable", "the key store is not answering; retry shortly");
        });
    }

    private static void unauthorized(RoutingContext ctx) {
        ctx.response().putHeader("WWW-Authenticate", "Bearer");
        respond(ctx, 401, "unauthorized", "Unauthorized", "a valid API key is required (Authorization: Bearer <key>)");
    }

    static void respond(RoutingContext ctx, int status, String code, String title, String detail) {
        if (ctx.response().ended()) {
            return;
        }
        ctx.response().setStatusCode(status).putHeader("Content-Type", Problem.MEDIA_TYPE)
                .end(Json.encode(Problem.body(status, code, title, detail, List.of(), Map.of())));
    }
}
