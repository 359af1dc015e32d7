package dev.osc.cli;

import dev.osc.cli.output.ProgressOutput;
import dev.osc.engine.Migration;
import dev.osc.engine.MigrationConfig;
import dev.osc.engine.MigrationResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code osc run}: plan, and with --execute carry out, one online ALTER. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Change a table online: copy it into a shadow table with the new schema while following the"
                + " binary log, verify both tables hold the same rows, then swap them atomically.",
                "Without --execute this is a dry run: it prints the plan and changes nothing."},
        footerHeading = "%nExit codes:%n", footer = ExitCodes.HELP)
public final class RunCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions connection;

    @Option(names = "--database", required = true, description = "Database that holds the table.")
    String database;

    @Option(names = "--table", required = true, description = "Table to change.")
    String table;

    @Option(names = "--alter", required = true,
            description = "The change: clauses such as \"ADD COLUMN note VARCHAR(64), DROP INDEX k\", or a whole ALTER TABLE"
                    + " statement for the same table.")
    String alter;

    @Option(names = "--execute", description = "Carry out the change. Without it osc only prints the plan.")
    boolean execute;

    @Option(names = "--lock-wait-timeout", defaultValue = "3s", converter = DurationConverter.class,
            description = "Longest wait for the table lock at the swap, per attempt (default: ${DEFAULT-VALUE}).")
    Duration lockWait;

    @Option(names = "--cutover-attempts", defaultValue = "5",
            description = "Swap attempts before giving up, with growing pauses between them (default: ${DEFAULT-VALUE}).")
    int cutOverAttempts;

    @Option(names = "--chunk-time", defaultValue = "100ms", converter = DurationConverter.class,
            description = "Target time per copy chunk; the chunk size follows it (default: ${DEFAULT-VALUE}).")
    Duration chunkTime;

    @Override
    public Integer call() {
        MigrationConfig config = MigrationConfig.builder()
                .connection(connection.toConfig())
                .database(database)
                .table(table)
                .alter(alter)
                .cutOverLockWait(lockWait)
                .cutOverAttempts(cutOverAttempts)
                .chunkTime(chunkTime)
                .build();
        PrintWriter out = spec.commandLine().getOut();
        try (ProgressOutput progress = ProgressOutput.forConsole(out)) {
            Migration migration = new Migration(config, progress);
            if (!execute) {
                MigrationResult result = migration.dryRun();
                out.println("Dry run: nothing was changed. The plan:");
                result.plan().describe().forEach(l -> out.println("  " + l));
                out.println("Run again with --execute to carry it out.");
                out.flush();
                return ExitCodes.OK;
            }
            // On SIGINT/SIGTERM the JVM runs this hook and then halts: cancel, and wait (bounded) until
            // the migration has dropped its shadow table, so an interrupted run leaves nothing behind.
            java.util.concurrent.CountDownLatch finished = new java.util.concurrent.CountDownLatch(1);
            Thread hook = new Thread(() -> {
                migration.cancel();
                try {
                    if (finished.await(60, java.util.concurrent.TimeUnit.SECONDS)) {
                        System.err.println("osc: interrupted; the original table is intact and osc's shadow table was dropped");
                        System.err.flush();
                        // the documented code for an aborted migration, rather than the JVM's 128+signal
                        Runtime.getRuntime().halt(ExitCodes.FAILED);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "osc-abort-on-signal");
            Runtime.getRuntime().addShutdownHook(hook);
            MigrationResult result;
            try {
                result = migration.execute();
            } finally {
                finished.countDown();
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the JVM is exiting because of a signal; the migration was cancelled
                }
            }
            progress.finish();
            Summary.print(out, result);
            return ExitCodes.OK;
        }
    }
}
