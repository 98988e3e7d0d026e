package io.companyagents.cli.ops;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.companyagents.cli.InstanceOptions;
import io.companyagents.cli.up.InstanceLayout;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** Options and output shared by the operations commands. */
abstract class OpsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    InstanceOptions instanceOptions;

    @Option(names = "--json", description = "Print the result as JSON on stdout (progress stays on stderr).")
    boolean json;

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    Progress progress() {
        return new Progress(err());
    }

    InstanceLayout layout() {
        return new InstanceLayout(instanceOptions.resolve());
    }

    /** Prints a line for people, unless --json. */
    void say(String line) {
        if (!json) {
            out().println(line);
            out().flush();
        }
    }

    /** Prints the JSON result, if --json. */
    void printJson(Object value) {
        if (json) {
            try {
                out().println(Ops.JSON.writeValueAsString(value));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
            out().flush();
        }
    }

    static String instanceName(Path root) {
        return root.getFileName() == null ? "instance" : root.getFileName().toString();
    }
}
