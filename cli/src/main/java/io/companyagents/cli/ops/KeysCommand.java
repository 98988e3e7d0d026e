package io.companyagents.cli.ops;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.Locale;

/** {@code company-agents keys rotate}. */
@Command(name = "keys", description = "Manage the key-encryption key of the secret store.",
        subcommands = KeysCommand.Rotate.class)
public class KeysCommand {

    /** {@code keys rotate}. */
    @Command(name = "rotate", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Add a new key-encryption-key version and re-wrap every secret's data key with it "
                    + "(POST /api/v1/admin/keys/rotate), then follow the rotation until it completes "
                    + "(GET /api/v1/admin/keys/rotation), printing progress.",
                "If a rotation is already running, follows that one. Ctrl-C stops following, not the rotation "
                    + "(it is resumable and goes on in the secrets service)."})
    public static class Rotate extends OpsCommand {

        @Mixin
        GatewayOptions gateway;

        @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "600",
                description = "Give up following after this long (default: ${DEFAULT-VALUE}); the rotation goes on.")
        int timeoutSeconds;

        @Option(names = "--no-wait", description = "Start the rotation and return without following it.")
        boolean noWait;

        @Override
        public Integer call() throws InterruptedException {
            Progress progress = progress();
            GatewayClient client = GatewayClient.of(layout(), gateway.url, gateway.adminKey);
            GatewayClient.Response started = client.post("/api/v1/admin/keys/rotate");
            JsonNode status;
            if (started.status() == 202 || started.status() == 200) {
                status = started.body();
                JsonNode r = status.path("rotation");
                progress.step("Rotation started: KEK version " + r.path("fromVersion").asInt() + " → "
                        + r.path("toVersion").asInt() + " (" + status.path("provider").asText() + "), "
                        + r.path("total").asLong() + " data keys to re-wrap");
            } else if (started.status() == 409 && "rotation_in_progress".equals(started.body() == null ? null
                    : started.body().path("code").asText())) {
                progress.step("A rotation is already running; following it.");
                status = fetch(client);
            } else {
                throw Ops.fail("Key rotation refused: " + started.problem());
            }
            long deadline = System.nanoTime() + timeoutSeconds * 1_000_000_000L;
            String last = "";
            while (!noWait) {
                JsonNode r = status.path("rotation");
                String line = String.format(Locale.ROOT, "re-wrapped %d/%d (skipped %d, remaining %d)%s",
                        r.path("rewrapped").asLong(), r.path("total").asLong(), r.path("skipped").asLong(),
                        r.path("remaining").asLong(), r.path("failedAttempts").asInt() > 0
                                ? ", " + r.path("failedAttempts").asInt() + " failed attempt(s), retrying" : "");
                if (!line.equals(last)) {
                    progress.step("  " + line);
                    last = line;
                }
                if ("completed".equals(r.path("status").asText())) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    throw Ops.fail("The rotation is still running after " + timeoutSeconds + " s (" + line
                            + "); it goes on in the secrets service: check with 'company-agents keys rotate' later.");
                }
                Thread.sleep(500);
                status = fetch(client);
            }
            JsonNode r = status.path("rotation");
            if (noWait) {
                say("Rotation to KEK version " + r.path("toVersion").asInt() + " started (" + r.path("status").asText() + ").");
            } else {
                say(String.format(Locale.ROOT, "Key rotation completed: primary KEK version %d (versions %s); %d data "
                                + "keys re-wrapped, %d skipped, in %d pass%s.", status.path("primaryVersion").asInt(),
                        status.path("versions"), r.path("rewrapped").asLong(), r.path("skipped").asLong(),
                        r.path("passes").asInt(), r.path("passes").asInt() == 1 ? "" : "es"));
            }
            printJson(status);
            return 0;
        }

        private static JsonNode fetch(GatewayClient client) {
            GatewayClient.Response r = client.get("/api/v1/admin/keys/rotation");
            if (r.status() != 200) {
                throw Ops.fail("Reading the rotation's progress failed: " + r.problem());
            }
            return r.body();
        }
    }
}
