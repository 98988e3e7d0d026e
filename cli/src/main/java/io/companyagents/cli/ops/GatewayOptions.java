package io.companyagents.cli.ops;

import picocli.CommandLine.Option;

/** Where the gateway is and which admin key to use. */
public class GatewayOptions {

    @Option(names = "--url", paramLabel = "URL", defaultValue = "${env:COMPANY_AGENTS_URL}",
            description = "Gateway URL (env COMPANY_AGENTS_URL; default: from the running instance's run.json).")
    String url;

    @Option(names = "--admin-key", paramLabel = "KEY", defaultValue = "${env:COMPANY_AGENTS_ADMIN_KEY}",
            description = "Admin API key (env COMPANY_AGENTS_ADMIN_KEY; default: the instance's admin.key).")
    String adminKey;
}
