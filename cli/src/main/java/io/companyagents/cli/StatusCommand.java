package io.companyagents.cli;

import io.companyagents.cli.up.InstanceLayout;
import io.companyagents.cli.up.Ports;
import io.companyagents.cli.up.RunFile;
import io.companyagents.cli.up.ServiceProcess;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;

/** {@code company-agents status}: what {@code up} started for an instance, and whether it is ready. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Show the processes of a running instance: pid, alive, port, ready.",
            "Exit code: 0 all ready, 1 partly running or not ready, 3 not running."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:everything alive and ready", "1:partly running or not ready", "3:not running"})
public class StatusCommand implements Callable<Integer> {

    public static final int ALL_READY = 0;
    public static final int PARTLY = 1;
    public static final int NOT_RUNNING = 3;

    @Spec
    CommandSpec spec;

    @Mixin
    InstanceOptions instanceOptions;

    record Row(RunFile.Entry entry, boolean alive, boolean ready) {
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        InstanceLayout layout = new InstanceLayout(instanceOptions.resolve());
        Optional<RunFile> run = RunFile.readIfExists(layout.runFile());
        if (run.isEmpty()) {
            out.println("company-agents is not running (instance " + layout.root() + ").");
            out.flush();
            return NOT_RUNNING;
        }
        RunFile rf = run.get();
        boolean cliAlive = alive(rf.cliPid());
        List<CompletableFuture<Row>> checks = new ArrayList<>();
        for (RunFile.Entry e : rf.components()) {
            checks.add(CompletableFuture.supplyAsync(() -> check(e, rf)));
        }
        List<Row> rows = checks.stream().map(CompletableFuture::join).toList();
        boolean anyAlive = cliAlive || rows.stream().anyMatch(r -> r.entry().embedded() && r.alive());
        if (!anyAlive) {
            out.println("company-agents is not running (instance " + layout.root() + "; stale " + layout.runFile()
                    + " from pid " + rf.cliPid() + ").");
            out.flush();
            return NOT_RUNNING;
        }
        out.println("Instance " + layout.root());
        out.println("up pid " + rf.cliPid() + (cliAlive ? "" : " (gone)") + ", started " + rf.startedAt()
                + ", gateway " + rf.gatewayUrl());
        out.println(String.format("%-9s %-8s %-6s %-6s %-6s %s", "NAME", "PID", "ALIVE", "PORT", "READY", "URL"));
        for (Row r : rows) {
            RunFile.Entry e = r.entry();
            String pid = e.embedded() ? String.valueOf(e.pid()) : "external";
            String aliveText = e.embedded() ? yesNo(r.alive()) : "-";
            String where = e.url() != null ? e.url() : e.host() + ":" + e.port();
            out.println(String.format("%-9s %-8s %-6s %-6d %-6s %s", e.name(), pid, aliveText, e.port(),
                    yesNo(r.ready()), where));
        }
        boolean allReady = cliAlive && rows.stream().allMatch(r -> r.alive() && r.ready());
        out.flush();
        return allReady ? ALL_READY : PARTLY;
    }

    private static Row check(RunFile.Entry e, RunFile rf) {
        boolean alive = !e.embedded() || (e.pid() != null && alive(e.pid()));
        boolean ready;
        if (e.kind().equals("service")) {
            ready = alive && ServiceProcess.isReady(e.url(), Duration.ofSeconds(3));
        } else if (e.kind().equals("postgres") && e.embedded() && rf.databaseUrl() != null) {
            ready = alive && postgresAnswers(rf.databaseUrl() + "?sslmode=disable");
        } else {
            ready = alive && Ports.isListening(e.host(), e.port(), 2000);
        }
        return new Row(e, alive, ready);
    }

    private static boolean postgresAnswers(String databaseUrl) {
        try {
            var pg = io.companyagents.cli.up.PostgresServer.external(databaseUrl);
            java.sql.DriverManager.setLoginTimeout(3);
            try (var c = pg.connect(); var s = c.createStatement(); var rs = s.executeQuery("select 1")) {
                return rs.next();
            }
        } catch (Exception e) {
            return false;
        }
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    private static String yesNo(boolean b) {
        return b ? "yes" : "no";
    }
}
