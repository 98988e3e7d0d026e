package io.companyagents.cli.bench;

import picocli.CommandLine.Command;

/** {@code company-agents bench …}: load generators that print figures, run against a live system. */
@Command(name = "bench", description = "Benchmarks against a running system (see README).",
        subcommands = {TaskCycleBenchmark.class, AuditIngestBenchmark.class})
public class BenchCommand {
}
