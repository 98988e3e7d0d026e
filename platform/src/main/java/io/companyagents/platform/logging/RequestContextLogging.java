package io.companyagents.platform.logging;

import jakarta.ws.rs.container.ContainerRequestContext;
import org.jboss.logging.MDC;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Puts the gateway's {@code X-Request-Id} and the W3C {@code traceparent} into the logging
 * context, so every line a request causes can be found from the id a client was given.
 */
public class RequestContextLogging {

    @ServerRequestFilter(preMatching = true)
    public void remember(ContainerRequestContext request) {
        String requestId = request.getHeaderString("X-Request-Id");
        if (requestId != null && requestId.length() <= 128) {
            MDC.put("requestId", requestId);
        } else {
            MDC.remove("requestId");
        }
        String traceparent = request.getHeaderString("traceparent");
        if (traceparent != null && traceparent.length() <= 128) {
            MDC.put("traceparent", traceparent);
        } else {
            MDC.remove("traceparent");
        }
    }
}
