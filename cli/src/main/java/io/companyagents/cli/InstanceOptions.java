package io.companyagents.cli;

import io.companyagents.cli.up.LaunchConfig;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** {@code --instance} / {@code --instance-dir}, shared by the commands that act on an instance. */
public class InstanceOptions {

    @Option(names = "--instance", paramLabel = "NAME", defaultValue = "${env:COMPANY_AGENTS_INSTANCE:-default}",
            description = "Instance name; its directory is ~/.company-agents/instances/NAME (default: ${DEFAULT-VALUE}, "
                    + "env COMPANY_AGENTS_INSTANCE).")
    String instance;

    @Option(names = "--instance-dir", paramLabel = "DIR", defaultValue = "${env:COMPANY_AGENTS_INSTANCE_DIR}",
            description = "Instance directory, overriding --instance entirely (env COMPANY_AGENTS_INSTANCE_DIR).")
    Path instanceDir;

    public Path resolve() {
        if (instanceDir != null) {
            return instanceDir.toAbsolutePath().normalize();
        }
        if (instance == null || instance.isBlank() || !instance.matches("[A-Za-z0-9._-]+") || instance.startsWith(".")) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(new Object()),
                    "Invalid --instance '" + instance + "': use letters, digits, '.', '_' and '-'.");
        }
        return LaunchConfig.defaultInstanceDir(instance);
    }
}
