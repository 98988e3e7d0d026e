package io.companyagents.cli;

import io.companyagents.cli.up.LaunchException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;

/** {@code company-agents}: the embedded default ({@code up}, {@code status}) and, later, more tools. */
@Command(name = "company-agents", mixinStandardHelpOptions = true,
        versionProvider = CompanyAgents.Version.class,
        description = "Company Agents: run the embedded default and manage an instance.",
        subcommands = {UpCommand.class, StatusCommand.class, io.companyagents.cli.bench.BenchCommand.class,
                io.companyagents.cli.ops.BackupCommand.class, io.companyagents.cli.ops.DbCommand.class,
                io.companyagents.cli.ops.AuditCommand.class, io.companyagents.cli.ops.KeysCommand.class,
                CommandLine.HelpCommand.class})
public class CompanyAgents implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line (tests call {@code execute} on it). */
    public static CommandLine commandLine() {
        CommandLine cmd = new CommandLine(new CompanyAgents());
        cmd.setExecutionExceptionHandler(CompanyAgents::handle);
        return cmd;
    }

    private static int handle(Exception e, CommandLine cmd, CommandLine.ParseResult parseResult) {
        PrintWriter err = cmd.getErr();
        if (e instanceof LaunchException le) {
            err.println(le.getMessage());
            err.flush();
            return le.exitCode();
        }
        err.println("company-agents: " + e);
        if (System.getenv("COMPANY_AGENTS_DEBUG") != null) {
            e.printStackTrace(err);
        } else {
            err.println("(set COMPANY_AGENTS_DEBUG=1 for the stack trace)");
        }
        err.flush();
        return 1;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Version from the jar manifest. */
    static class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = CompanyAgents.class.getPackage().getImplementationVersion();
            return new String[] {"company-agents " + (v == null ? "(development build)" : v)};
        }
    }
}
