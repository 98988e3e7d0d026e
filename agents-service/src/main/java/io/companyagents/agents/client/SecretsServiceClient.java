package io.companyagents.agents.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.quarkus.rest.client.reactive.ClientExceptionMapper;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

import java.util.UUID;

/** secrets-service's internal project-token endpoint. Use it through {@link SecretsServiceGitTokenStore}. */
@RegisterRestClient(configKey = "secrets-service")
@Path("/internal/v1/companies/{companyId}/project-tokens/{projectId}")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public interface SecretsServiceClient {

    @PUT
    Uni<Void> put(@HeaderParam("Authorization") String authorization, @PathParam("companyId") UUID companyId,
                  @PathParam("projectId") UUID projectId, TokenValue body);

    @GET
    Uni<TokenPresence> get(@HeaderParam("Authorization") String authorization, @PathParam("companyId") UUID companyId,
                           @PathParam("projectId") UUID projectId);

    @DELETE
    Uni<Void> delete(@HeaderParam("Authorization") String authorization, @PathParam("companyId") UUID companyId,
                     @PathParam("projectId") UUID projectId);

    /** The body of a PUT. Its string form never shows the value. */
    record TokenValue(String value) {

        @Override
        public String toString() {
            return "TokenValue[***]";
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record TokenPresence(boolean present) {
    }

    /** 4xx: the store said no; 5xx: the store failed. Neither carries the answer's body. */
    @ClientExceptionMapper
    static RuntimeException toException(Response response) {
        int status = response.getStatus();
        return status >= 500 ? new SecretStoreUnavailableException(status) : new SecretStoreRefusedException(status);
    }
}
