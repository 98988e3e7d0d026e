package io.companyagents.cli.ops;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code company-agents audit verify}. */
@Command(name = "audit", description = "Check the tamper-evident audit trail.", subcommands = AuditCommand.Verify.class)
public class AuditCommand {

    /** {@code audit verify [--company ID]}. */
    @Command(name = "verify", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Recompute each company's audit hash chain in the audit service and report the first row "
                    + "that does not fit (GET /api/v1/companies/{id}/audit/verify with the admin key).",
                "Without --company: every company. Exit code 0: every chain verifies; 1: a chain is broken."})
    public static class Verify extends OpsCommand {

        @Option(names = "--company", paramLabel = "ID", description = "Only this company (repeatable).")
        List<String> companies;

        @Mixin
        GatewayOptions gateway;

        @Override
        public Integer call() {
            Progress progress = progress();
            GatewayClient client = GatewayClient.of(layout(), gateway.url, gateway.adminKey);
            Map<String, String> names = new LinkedHashMap<>();
            if (companies != null && !companies.isEmpty()) {
                companies.forEach(id -> names.put(id, null));
            } else {
                String cursor = null;
                do {
                    GatewayClient.Response r = client.get("/api/v1/companies?limit=200"
                            + (cursor == null ? "" : "&cursor=" + GatewayClient.encode(cursor)));
                    if (r.status() != 200) {
                        throw Ops.fail("Listing companies failed: " + r.problem());
                    }
                    for (JsonNode c : r.body().path("items")) {
                        names.put(c.path("id").asText(), c.path("name").asText(null));
                    }
                    cursor = r.body().path("nextCursor").isTextual() ? r.body().path("nextCursor").asText() : null;
                } while (cursor != null && !cursor.isEmpty());
            }
            if (names.isEmpty()) {
                say("No companies; nothing to verify.");
                printJson(Map.of("ok", true, "companies", List.of()));
                return 0;
            }
            List<Map<String, Object>> rows = new ArrayList<>();
            int broken = 0;
            int i = 0;
            for (var e : names.entrySet()) {
                i++;
                if (names.size() > 5 && (i % 10 == 0 || i == names.size())) {
                    progress.step("verified " + i + "/" + names.size() + " chains");
                }
                GatewayClient.Response r = client.get("/api/v1/companies/" + GatewayClient.encode(e.getKey())
                        + "/audit/verify");
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("companyId", e.getKey());
                row.put("name", e.getValue());
                if (r.status() != 200) {
                    row.put("ok", false);
                    row.put("error", r.problem());
                    broken++;
                } else {
                    JsonNode b = r.body();
                    boolean ok = b.path("ok").asBoolean(false);
                    row.put("ok", ok);
                    row.put("checked", b.path("checked").asLong());
                    row.put("headSeq", b.path("headSeq").asLong());
                    row.put("headHash", b.path("headHash").asText(null));
                    if (b.hasNonNull("firstBadSeq")) {
                        row.put("firstBadSeq", b.path("firstBadSeq").asLong());
                    }
                    if (!ok) {
                        broken++;
                    }
                }
                rows.add(row);
            }
            if (json) {
                printJson(Map.of("ok", broken == 0, "broken", broken, "companies", rows));
            } else {
                say(String.format(Locale.ROOT, "%-36s %-6s %-8s %-8s %s", "COMPANY", "OK", "EVENTS", "HEAD", "NAME / PROBLEM"));
                for (Map<String, Object> r : rows) {
                    boolean ok = (Boolean) r.get("ok");
                    String what = r.containsKey("error") ? (String) r.get("error")
                            : r.containsKey("firstBadSeq") ? "first bad seq " + r.get("firstBadSeq")
                            : r.get("name") == null ? "" : (String) r.get("name");
                    say(String.format(Locale.ROOT, "%-36s %-6s %-8s %-8s %s", r.get("companyId"), ok ? "yes" : "NO",
                            r.getOrDefault("checked", "-"), r.getOrDefault("headSeq", "-"), what));
                }
                say(broken == 0 ? "All " + rows.size() + " audit chain" + (rows.size() == 1 ? "" : "s") + " verify."
                        : broken + " of " + rows.size() + " audit chains do NOT verify.");
            }
            return broken == 0 ? 0 : Ops.EXIT_FAILED;
        }
    }
}
