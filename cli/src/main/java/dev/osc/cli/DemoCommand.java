package dev.osc.cli;

import dev.osc.cli.demo.DemoDatabase;
import dev.osc.cli.demo.DemoReport;
import dev.osc.cli.demo.LatencyStats;
import dev.osc.cli.demo.PhaseTimeline;
import dev.osc.cli.demo.SampleTable;
import dev.osc.cli.demo.TableCompare;
import dev.osc.cli.demo.WriteLoad;
import dev.osc.cli.output.ProgressOutput;
import dev.osc.engine.ConnectionConfig;
import dev.osc.engine.Migration;
import dev.osc.engine.MigrationConfig;
import dev.osc.engine.MigrationResult;
import dev.osc.engine.OscException;
import dev.osc.engine.sandbox.SandboxException;
import dev.osc.engine.sandbox.SandboxServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * {@code osc demo}: the whole tool on a throwaway server. Starts a sandbox MariaDB, fills a sample
 * table, writes to it at a fixed rate while osc changes its schema, then checks the result
 * against a control table that got the same writes and the same ALTER the plain way.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Shows osc at work: an online ALTER under a write load on a throwaway MariaDB, checked"
                + " against a control table.",
                "Starts a sandbox server (needs the MariaDB server binaries) in a new temporary directory, fills"
                + " osc_demo.orders and an identical control table, runs a write load against both at a fixed rate,"
                + " changes the schema of orders online while the load runs, then applies the same ALTER to the"
                + " control table the plain way and compares both row by row.",
                "Prints the migration's timings and the load's latency before and during the migration.",
                "Exits 0 when the migration succeeded and both tables are identical, 1 otherwise."})
public final class DemoCommand implements Callable<Integer> {
    static final String ALTER = "ADD COLUMN discount DECIMAL(10,2) NOT NULL DEFAULT 0, MODIFY note VARCHAR(200)";
    private static final int THREADS = 4;
    /** The load's first second (connections, JIT) is not part of the baseline. */
    private static final long WARM_UP_MILLIS = 1_000;
    private static final long BASELINE_MILLIS = 5_000;
    private static final long AFTER_MILLIS = 2_000;

    @Spec
    CommandSpec spec;

    @Option(names = "--rows", paramLabel = "N", defaultValue = "1000000",
            description = "Rows in the sample table (default: ${DEFAULT-VALUE}).")
    long rows;

    @Option(names = "--rate", paramLabel = "TX_PER_SEC", defaultValue = "200",
            description = "Transactions per second of the write load, spread over " + THREADS
                    + " threads (default: ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = "--keep", description = "Leave the sandbox server running at the end and print how to connect"
            + " to it and stop it.")
    boolean keep;

    @Override
    public Integer call() {
        if (rows < 1) {
            throw new ParameterException(spec.commandLine(), "--rows must be at least 1");
        }
        if (rate < 1) {
            throw new ParameterException(spec.commandLine(), "--rate must be at least 1");
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        long start = System.nanoTime();
        Path dir;
        try {
            dir = Files.createTempDirectory("osc-demo");
        } catch (IOException e) {
            err.println("osc demo: cannot create a temporary directory: " + e.getMessage());
            return ExitCodes.FAILED;
        }
        SandboxServer server;
        try {
            out.println("Starting a sandbox MariaDB in " + dir + " ...");
            out.flush();
            server = SandboxServer.start(dir, 0);
        } catch (SandboxException e) {
            err.println("osc demo: cannot start the sandbox server: " + e.getMessage());
            remove(dir, err);
            return ExitCodes.FAILED;
        }
        Thread cleanUpOnSignal = null;
        if (!keep) {
            server.registerShutdownHook();
            cleanUpOnSignal = new Thread(() -> removeWhenStopped(server, dir), "osc-demo-clean-up");
            Runtime.getRuntime().addShutdownHook(cleanUpOnSignal);
        }
        try {
            out.printf("Sandbox MariaDB runs on 127.0.0.1:%d (pid %d).%n", server.port(), server.pid());
            boolean ok = run(server, out);
            out.printf(Locale.ROOT, "Demo took %.1f s.%n", (System.nanoTime() - start) / 1e9);
            return ok ? ExitCodes.OK : ExitCodes.FAILED;
        } catch (SQLException | RuntimeException e) {
            err.println("osc demo: failed: " + e.getMessage());
            return ExitCodes.FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("osc demo: interrupted");
            return ExitCodes.FAILED;
        } finally {
            if (keep) {
                out.println("The sandbox keeps running (--keep). Connect with:");
                out.printf("  mariadb -h127.0.0.1 -P%d -uroot %s%n", server.port(), SampleTable.DATABASE);
                out.println("Stop it and remove its files with:");
                out.println("  osc sandbox stop --dir " + dir + " && rm -rf " + dir);
            } else {
                try {
                    Runtime.getRuntime().removeShutdownHook(cleanUpOnSignal);
                } catch (IllegalStateException shuttingDown) {
                    // a signal ends the JVM; the hooks stop the server and remove its directory
                }
                stopAndRemove(server, dir, out, err);
            }
            out.flush();
        }
    }

    private boolean run(SandboxServer server, PrintWriter out) throws SQLException, InterruptedException {
        DemoDatabase db = new DemoDatabase(server.jdbcUrl());
        long fillStart = System.nanoTime();
        SampleTable.create(db, rows, (done, total) -> {
            out.printf(Locale.ROOT, "  filled %,d of %,d rows (%s and %s)%n", done, total, SampleTable.TABLE,
                    SampleTable.CONTROL);
            out.flush();
        });
        out.printf(Locale.ROOT, "Sample tables ready in %.1f s.%n", (System.nanoTime() - fillStart) / 1e9);

        LatencyStats latency = new LatencyStats();
        WriteLoad load = new WriteLoad(db, THREADS, rate, rows, latency);
        out.printf(Locale.ROOT, "Write load: %d tx/s from %d threads, each transaction changing %s and %s alike;"
                + " %.0f s without migration first.%n", rate, THREADS, SampleTable.TABLE, SampleTable.CONTROL,
                (WARM_UP_MILLIS + BASELINE_MILLIS) / 1000.0);
        out.flush();
        long loadStart = System.nanoTime();
        load.start();
        long migrationStart;
        long migrationEnd;
        long loadEnd;
        MigrationResult result = null;
        String migrationError = null;
        PhaseTimeline timeline;
        try {
            Thread.sleep(WARM_UP_MILLIS + BASELINE_MILLIS);
            out.printf("Migrating online: osc run --database %s --table %s --alter \"%s\" --method copy"
                    + " --accept NOT_REVERSIBLE --execute%n", SampleTable.DATABASE, SampleTable.TABLE, ALTER);
            out.flush();
            MigrationConfig config = MigrationConfig.builder()
                    .connection(new ConnectionConfig("127.0.0.1", server.port(), "root", ""))
                    .database(SampleTable.DATABASE)
                    .table(SampleTable.TABLE)
                    .alter(ALTER)
                    // the demo shows the online copy, which the server could skip for this change;
                    // widening a column is a change a revert could not undo, which the demo accepts
                    .allowInstant(false)
                    .accepted(java.util.Set.of("NOT_REVERSIBLE"))
                    .build();
            try (ProgressOutput progress = ProgressOutput.forConsole(out, false)) {
                timeline = new PhaseTimeline(progress);
                migrationStart = System.nanoTime();
                try {
                    result = new Migration(config, timeline).execute();
                } catch (OscException e) {
                    migrationError = e.getMessage() + " (exit code " + e.kind().exitCode() + ")";
                } finally {
                    migrationEnd = System.nanoTime();
                    progress.finish();
                }
            }
            out.printf(Locale.ROOT, "Migration %s after %.1f s; the load goes on for %.0f s more.%n",
                    result != null ? "done" : "failed", (migrationEnd - migrationStart) / 1e9, AFTER_MILLIS / 1000.0);
            out.flush();
            Thread.sleep(AFTER_MILLIS);
        } finally {
            load.stop();
        }
        loadEnd = System.nanoTime();

        TableCompare.Result compare = null;
        String verifyError = null;
        if (result != null) {
            out.println("Verifying: the same ALTER on " + SampleTable.CONTROL + " the plain way, then comparing both"
                    + " tables row by row ...");
            out.flush();
            try (Connection c = db.open(); Statement st = c.createStatement()) {
                st.execute("ALTER TABLE `" + SampleTable.DATABASE + "`.`" + SampleTable.CONTROL + "` " + ALTER);
                compare = TableCompare.compare(db, SampleTable.DATABASE, SampleTable.TABLE, SampleTable.CONTROL);
            } catch (SQLException e) {
                verifyError = e.getMessage();
            }
        } else {
            verifyError = "the migration failed";
        }
        DemoReport report = new DemoReport(rows, rate, result, migrationError, load.counts(), latency, timeline,
                loadStart, loadStart + WARM_UP_MILLIS * 1_000_000, migrationStart, migrationEnd, loadEnd, compare, verifyError);
        report.print(out);
        return report.success();
    }

    private static void stopAndRemove(SandboxServer server, Path dir, PrintWriter out, PrintWriter err) {
        try {
            server.stop();
        } catch (SandboxException e) {
            err.println("osc demo: could not stop the sandbox server (pid " + server.pid() + "): " + e.getMessage());
            return;
        }
        if (remove(dir, err)) {
            out.println("Sandbox stopped and " + dir + " removed.");
        }
    }

    /**
     * On Ctrl-C or a kill: the sandbox's own hook stops the server; this one waits for that and
     * removes the directory, so an interrupted demo leaves nothing behind.
     */
    private static void removeWhenStopped(SandboxServer server, Path dir) {
        try {
            server.stop();
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (server.isRunning() && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
        } catch (RuntimeException e) {
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (!server.isRunning()) {
            remove(dir, new PrintWriter(System.err, true));
        }
    }

    private static boolean remove(Path dir, PrintWriter err) {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
            return true;
        } catch (IOException e) {
            err.println("osc demo: could not remove " + dir + ": " + e.getMessage());
            return false;
        }
    }
}
