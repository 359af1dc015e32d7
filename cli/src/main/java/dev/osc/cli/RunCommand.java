package dev.osc.cli;

import dev.osc.cli.output.PlanOutput;
import dev.osc.cli.output.ProgressOutput;
import dev.osc.engine.OscException;
import dev.osc.engine.MigrationListener;
import dev.osc.cli.metrics.MetricsServer;
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

    @Mixin
    ChangeOptions change;

    @Option(names = "--execute", description = "Carry out the change. Without it osc only prints the plan.")
    boolean execute;

    @Option(names = "--lock-wait-timeout", defaultValue = "3s", converter = DurationConverter.class,
            description = "Longest wait for the table lock at the swap, per attempt (default: ${DEFAULT-VALUE}).")
    Duration lockWait;

    @Option(names = "--cutover-attempts", defaultValue = "5",
            description = "Swap attempts before giving up, with growing pauses between them (default: ${DEFAULT-VALUE}).")
    int cutOverAttempts;

    @Option(names = "--chunk-time", defaultValue = "100ms", converter = DurationConverter.class,
            description = "Target time per copy chunk; the chunk size follows it (default: ${DEFAULT-VALUE}; longer chunks"
                    + " copy no faster and make the application's commits slower).")
    Duration chunkTime;

    @Option(names = "--accept", split = ",", paramLabel = "CODE",
            description = "Go ahead despite these warning codes of the plan (see osc plan and docs/planning.md).")
    java.util.Set<String> accept = new java.util.TreeSet<>();

    @Option(names = "--format", defaultValue = "text", description = "Format of the dry run's plan: text or json (default: ${DEFAULT-VALUE}).")
    PlanOutput.Format format;

    @Option(names = "--json", description = "Progress as JSON lines (one event per phase, progress every 2 s, the result),"
            + " as without a terminal; also prints the dry run's plan as JSON.")
    boolean json;

    @Option(names = "--threads", defaultValue = "auto", paramLabel = "N|auto", converter = ThreadsConverter.class,
            description = "Copy workers, 1-64, or auto: half the server's CPUs, at most 8, and 1 where the workers"
                    + " would only copy one after another (default: ${DEFAULT-VALUE}); osc set threads=N changes it"
                    + " while running.")
    int threads;

    @Option(names = "--locking-reads", description = "Read the table with LOCK IN SHARE MODE even where the server"
            + " allows plain reads that take no row locks (MariaDB; on MySQL osc always reads with locks).")
    boolean lockingReads;

    /** "auto", or a number of workers that MigrationConfig checks. */
    static final class ThreadsConverter implements picocli.CommandLine.ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            if (value.trim().equalsIgnoreCase("auto")) {
                return MigrationConfig.AUTO_THREADS;
            }
            try {
                int n = Integer.parseInt(value.trim());
                if (n >= 1) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // said below
            }
            throw new picocli.CommandLine.TypeConversionException("'" + value + "' is neither a number of workers (1-64) nor auto");
        }
    }

    @Option(names = "--max-lag", defaultValue = "1s", converter = DurationConverter.class,
            description = "Hold back while a replica lags more than this (default: ${DEFAULT-VALUE}).")
    Duration maxLag;

    @Option(names = "--replica", paramLabel = "HOST:PORT",
            description = "A replica to watch for lag (repeatable), in addition to those the primary lists"
                    + " (SHOW SLAVE HOSTS / SHOW REPLICAS, replicas with report_host set).")
    java.util.List<String> replicas = new java.util.ArrayList<>();

    @Option(names = "--no-discover-replicas", negatable = false,
            description = "Watch only the replicas given with --replica.")
    boolean noDiscovery;

    @Option(names = "--max-threads-running", defaultValue = "25",
            description = "Hold back while the server's Threads_running is above this; 0 = off (default: ${DEFAULT-VALUE}).")
    int maxThreadsRunning;

    @Option(names = "--critical-threads-running", defaultValue = "0",
            description = "Abort (the original table stays intact) when Threads_running stays above this for"
                    + " --critical-checks reads in a row; 0 = off (default: ${DEFAULT-VALUE}).")
    int criticalThreadsRunning;

    @Option(names = "--critical-checks", defaultValue = "3",
            description = "Consecutive reads above --critical-threads-running before aborting (default: ${DEFAULT-VALUE}).")
    int criticalChecks;

    @Option(names = "--throttle-file", paramLabel = "PATH",
            description = "Hold back while this file exists (touch it to pause, remove it to go on).")
    java.nio.file.Path throttleFile;

    @Option(names = "--postpone-cutover",
            description = "Copy, verify and keep the new table in sync, but swap only when osc cutover is run.")
    boolean postponeCutOver;

    @Mixin
    StateSchemaOption stateSchema;

    @Option(names = "--if-running", defaultValue = "wait", paramLabel = "wait|fail",
            description = "When another osc run is migrating the table: wait for it, then plan again (usually"
                    + " \"already applied\"), or fail at once with exit code 5 (default: ${DEFAULT-VALUE}).")
    String ifRunning;

    @Option(names = "--checkpoint-interval", defaultValue = "5s", converter = DurationConverter.class,
            description = "How often the run saves where it stands, so that a run after a crash resumes from there"
                    + " (default: ${DEFAULT-VALUE}).")
    Duration checkpointInterval;

    @Option(names = "--revert-window", defaultValue = "30m", converter = DurationConverter.class,
            description = "How long after the swap osc revert can swap back; the old table is kept meanwhile"
                    + " (default: ${DEFAULT-VALUE}).")
    Duration revertWindow;

    @Option(names = "--metrics-port", paramLabel = "PORT",
            description = "Serve Prometheus metrics at http://ADDRESS:PORT/metrics for the whole run.")
    Integer metricsPort;

    @Option(names = "--metrics-address", defaultValue = "0.0.0.0",
            description = "Address the metrics endpoint listens on (default: ${DEFAULT-VALUE}).")
    String metricsAddress;

    private dev.osc.engine.MigrationConfig.IfRunning ifRunning() {
        return switch (ifRunning.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "wait" -> dev.osc.engine.MigrationConfig.IfRunning.WAIT;
            case "fail" -> dev.osc.engine.MigrationConfig.IfRunning.FAIL;
            default -> throw OscException.badInput("--if-running takes wait or fail, not '" + ifRunning + "'");
        };
    }

    private MetricsServer startMetrics() {
        try {
            return MetricsServer.start(metricsAddress, metricsPort);
        } catch (java.io.IOException e) {
            throw OscException.badInput("cannot serve metrics: " + e.getMessage()
                    + ". Choose another --metrics-port (or --metrics-address); nothing was changed");
        }
    }

    @Override
    public Integer call() {
        MigrationConfig config = change.config(connection)
                .accepted(accept)
                .cutOverLockWait(lockWait)
                .cutOverAttempts(cutOverAttempts)
                .chunkTime(chunkTime)
                .threads(threads)
                .lockingReads(lockingReads)
                .maxLag(maxLag)
                .replicas(replicas)
                .discoverReplicas(!noDiscovery)
                .maxThreadsRunning(maxThreadsRunning)
                .criticalThreadsRunning(criticalThreadsRunning)
                .criticalChecks(criticalChecks)
                .throttleFile(throttleFile)
                .postponeCutOver(postponeCutOver)
                .stateSchema(stateSchema.schema().name())
                .ifRunning(ifRunning())
                .revertWindow(revertWindow)
                .checkpointInterval(checkpointInterval)
                .build();
        PrintWriter out = spec.commandLine().getOut();
        try (ProgressOutput progress = ProgressOutput.forConsole(out, json);
             MetricsServer metrics = metricsPort == null || !execute ? null : startMetrics()) {
            if (metrics != null) {
                progress.notice("metrics at http://" + metricsAddress + ":" + metrics.port() + MetricsServer.PATH);
            }
            Migration migration = new Migration(config, metrics == null ? progress
                    : MigrationListener.all(progress, metrics.migrationMetrics(config.database(), config.table())));
            if (!execute) {
                int code = PlanCommand.show(spec, migration, json ? PlanOutput.Format.json : format);
                if (code == ExitCodes.OK && !json) {
                    out.println("Dry run: nothing was changed. Run again with --execute to carry it out.");
                    out.flush();
                }
                return code;
            }
            // On SIGINT/SIGTERM the JVM runs this hook and then halts: cancel, and wait (bounded) until
            // the migration has dropped its shadow table, so an interrupted run leaves nothing behind.
            java.util.concurrent.CountDownLatch finished = new java.util.concurrent.CountDownLatch(1);
            Thread hook = new Thread(() -> {
                migration.cancel();
                try {
                    if (finished.await(60, java.util.concurrent.TimeUnit.SECONDS)) {
                        // say what actually happened: a signal during the swap may come after it succeeded
                        if (migration.phase() == dev.osc.engine.Phase.DONE) {
                            System.err.println("osc: interrupted, but the change was already done");
                            System.err.flush();
                            Runtime.getRuntime().halt(ExitCodes.OK);
                        }
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
            } catch (OscException e) {
                progress.failed(e.kind().exitCode(), e.getMessage());
                throw e;
            } finally {
                finished.countDown();
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the JVM is exiting because of a signal; the migration was cancelled
                }
            }
            progress.result(result);
            return ExitCodes.OK;
        }
    }
}
