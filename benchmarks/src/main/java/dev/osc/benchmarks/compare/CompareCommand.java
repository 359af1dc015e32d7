package dev.osc.benchmarks.compare;

import dev.osc.cli.demo.DemoDatabase;
import dev.osc.engine.sandbox.SandboxException;
import dev.osc.engine.sandbox.SandboxServer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * {@code compare}: osc against the blocking ALTER and pt-online-schema-change on a throwaway
 * MariaDB, idle and under a write load; writes docs/benchmarks.md. Owns the run's lifetime: the
 * sandbox, the temporary directory and every process started are gone when it returns, also after
 * a failure or Ctrl-C.
 */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = {"Compares osc with ALTER TABLE ... ALGORITHM=COPY and pt-online-schema-change on a sysbench table in a"
                + " throwaway MariaDB, idle and under a fixed-rate write load, and writes a Markdown report."})
public final class CompareCommand implements Callable<Integer> {
    private static final List<String> CONTENDERS = List.of("alter", "pt-osc", "osc");

    enum LoadChoice { sysbench, builtin }

    @Spec
    CommandSpec spec;

    @Option(names = "--rows", paramLabel = "N", defaultValue = "1000000", description = "Rows in sbtest1 (default: ${DEFAULT-VALUE}).")
    long rows;

    @Option(names = "--rate", paramLabel = "TX_PER_SEC", defaultValue = "500",
            description = "Transactions per second of the write load, from 4 threads (default: ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = "--out", paramLabel = "FILE", defaultValue = "docs/benchmarks.md",
            description = "Where to write the report (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--only", split = ",", paramLabel = "NAME",
            description = "Contenders to run, of osc, pt-osc, alter (default: all).")
    Set<String> only;

    @Option(names = "--osc-arg", paramLabel = "ARG",
            description = "An option added to osc's command line (repeatable), e.g. --osc-arg=--chunk-time=20ms.")
    List<String> oscArgs = new java.util.ArrayList<>();

    /**
     * A buffer pool and redo log as a production server has them, not the sandbox's test-sized ones
     * (a 16 MB redo log makes InnoDB flush pages synchronously while a table is copied, which
     * stalls every writer on the server).
     */
    static final List<String> SERVER_SETTINGS = List.of("--innodb-buffer-pool-size=1G", "--innodb-log-file-size=1G");

    /** The sandbox's mariadbd options for every benchmark: {@link #SERVER_SETTINGS}, then the user's (the last one wins). */
    public static List<String> serverSettings(List<String> extra) {
        List<String> all = new ArrayList<>(SERVER_SETTINGS);
        all.addAll(extra);
        return all;
    }

    @Option(names = "--server-option", paramLabel = "OPTION",
            description = "A mariadbd option for the sandbox (repeatable), after osc's sandbox settings and "
                    + "--innodb-buffer-pool-size=1G --innodb-log-file-size=1G, e.g. --server-option=--innodb-log-file-size=16M.")
    List<String> serverOptions = new java.util.ArrayList<>();

    @Option(names = "--load", paramLabel = "sysbench|builtin",
            description = "Who fills the table and writes during the runs (default: sysbench when installed, else builtin).")
    LoadChoice load;

    private volatile SandboxServer server;

    public static int run(String... args) {
        return new CommandLine(new CompareCommand()).execute(args);
    }

    @Override
    public Integer call() throws Exception {
        if (rows < 1 || rows > Integer.MAX_VALUE) {
            throw new ParameterException(spec.commandLine(), "--rows must be between 1 and " + Integer.MAX_VALUE);
        }
        if (rate < 1) {
            throw new ParameterException(spec.commandLine(), "--rate must be at least 1");
        }
        if (only != null && !CONTENDERS.containsAll(only)) {
            throw new ParameterException(spec.commandLine(), "--only takes " + String.join(", ", CONTENDERS) + "; not " + only);
        }
        ExternalTool sysbenchTool = ExternalTool.find("sysbench");
        ExternalTool ptOsc = ExternalTool.find(PtOnlineSchemaChange.NAME);
        LoadChoice loadChoice = load != null ? load : sysbenchTool.installed() ? LoadChoice.sysbench : LoadChoice.builtin;
        if (loadChoice == LoadChoice.sysbench && !sysbenchTool.installed()) {
            throw new ParameterException(spec.commandLine(), "--load sysbench: sysbench is not installed"
                    + " (apt-get install -y sysbench)");
        }
        PrintWriter console = spec.commandLine().getOut();
        long started = System.nanoTime();
        Path dir = Files.createTempDirectory("osc-compare");
        ChildProcesses children = new ChildProcesses();
        Thread onSignal = new Thread(() -> {
            PrintWriter err = new PrintWriter(System.err, true);
            err.println("compare: interrupted; stopping what it started ...");
            cleanUp(children, dir, err);
        }, "compare-clean-up");
        Runtime.getRuntime().addShutdownHook(onSignal);
        try {
            console.println("Starting a sandbox MariaDB in " + dir + " ...");
            console.flush();
            List<String> mariadbd = serverSettings(serverOptions);
            server = SandboxServer.start(dir.resolve("server"), 0, port -> mariadbd);
            console.printf("Sandbox MariaDB on 127.0.0.1:%d (pid %d).%n", server.port(), server.pid());
            DemoDatabase db = new DemoDatabase(server.jdbcUrl());
            Sysbench sysbench = loadChoice == LoadChoice.sysbench ? new Sysbench(sysbenchTool, server.port(), rows) : null;
            SbTables tables = new SbTables(db);
            TableCheck check = new TableCheck(db);

            long fill = System.nanoTime();
            console.printf(Locale.ROOT, "Filling the template %s.%s with %,d rows (%s) ...%n", SbTables.TEMPLATE_DB,
                    SbTables.TABLE, rows, sysbench != null ? "sysbench prepare" : "built-in loader");
            console.flush();
            if (sysbench != null) {
                tables.createTemplateDatabase();
                sysbench.prepare(SbTables.TEMPLATE_DB, children, dir.resolve("sysbench-prepare.log"));
                tables.resetBinlog();
            } else {
                tables.fillTemplateBuiltIn(rows);
            }
            TableCheck.Checksum template = check.checksum(SbTables.TEMPLATE_DB);
            double speedBefore = serverSpeed(db);
            console.printf(Locale.ROOT, "Template ready in %.1f s: %,d rows.%n", (System.nanoTime() - fill) / 1e9, template.rows());

            List<Contender> contenders = new ArrayList<>(List.of(new PlainAlter(), new PtOnlineSchemaChange(ptOsc),
                    new OscRun(Path.of(System.getProperty("java.home"), "bin", "java"), System.getProperty("java.class.path"), oscArgs)));
            contenders.removeIf(c -> only != null && !only.contains(c.key()));
            Contender.Target target = new Contender.Target(server.port(), db, dir, children);
            Function<Path, Load> loads = runDir -> sysbench != null
                    ? new SysbenchLoad(sysbench, rate, children, runDir.resolve("sysbench.log"))
                    : new BuiltInLoad(db, rate, rows);
            console.println("Running each contender on a fresh copy, idle and then under the write load:");
            console.flush();
            List<Outcome> outcomes = new Comparison(target, tables, check, loads, contenders, console).run(template);

            Map<String, String> setup = setup(db, loads.apply(dir).describe(), sysbenchTool, ptOsc,
                    sysbench != null ? "sysbench prepare" : "built-in loader", started);
            setup.put("machine speed", String.format(Locale.ROOT, "`SELECT BENCHMARK(%,d, CRC32(...))` took %.2f s before"
                    + " the contenders ran and %.2f s after (shared machines vary: compare runs by it)", SPEED_LOOPS,
                    speedBefore, serverSpeed(db)));
            Map<String, String> commands = new LinkedHashMap<>();
            contenders.forEach(c -> commands.put(c.title(), c.commandLine()));
            String report = MarkdownReport.render(rows, setup, commands, outcomes);
            if (out.getParent() != null) {
                Files.createDirectories(out.getParent());
            }
            Files.writeString(out, report, StandardCharsets.UTF_8);
            console.println();
            console.print(report);
            console.println();
            console.println("Written to " + out.toAbsolutePath());
            boolean allOk = outcomes.stream().allMatch(o -> o.wallSeconds() == null && "not installed".equals(o.error())
                    || o.error() == null && o.check() != null && o.check().startsWith("ok"));
            return allOk ? 0 : 1;
        } catch (SandboxException e) {
            spec.commandLine().getErr().println("compare: cannot start the sandbox server: " + e.getMessage());
            return 1;
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(onSignal);
            } catch (IllegalStateException shuttingDown) {
                // a signal ends the JVM; the hook cleans up
            }
            cleanUp(children, dir, console);
            console.printf(Locale.ROOT, "Took %.1f min.%n", (System.nanoTime() - started) / 60e9);
            console.flush();
        }
    }

    private Map<String, String> setup(DemoDatabase db, String loadDescription, ExternalTool sysbench, ExternalTool ptOsc,
                                      String filledBy, long started) throws SQLException {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("command", MarkdownReport.code("java -jar benchmarks/target/benchmarks.jar compare"
                + quoted(spec.commandLine().getParseResult().originalArgs())));
        s.put("date", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        s.put("took", String.format(Locale.ROOT, "%.1f min for the whole comparison", (System.nanoTime() - started) / 60e9));
        s.put("machine", MachineInfo.machine());
        s.put("OS", MachineInfo.os());
        s.put("Java", MachineInfo.java());
        s.put("MariaDB", serverVersion(db) + ", osc's sandbox settings (row binlog, flush at commit off) with "
                + MarkdownReport.code(String.join(" ", SERVER_SETTINGS))
                + (serverOptions.isEmpty() ? "" : " and " + MarkdownReport.code(String.join(" ", serverOptions))));
        s.put("sysbench", sysbench.version());
        s.put("percona-toolkit", ptOsc.version());
        s.put("table", String.format(Locale.ROOT, "`%s`, %,d rows, filled by %s", SbTables.TABLE, rows, filledBy));
        s.put("ALTER", MarkdownReport.code(SbTables.ALTER));
        s.put("write load", loadDescription);
        return s;
    }

    private static String quoted(List<String> args) {
        StringBuilder sb = new StringBuilder();
        for (String a : args) {
            sb.append(' ').append(a.matches("[\\w.,/=:-]+") ? a : "'" + a.replace("'", "'\\''") + "'");
        }
        return sb.toString();
    }

    private static final int SPEED_LOOPS = 20_000_000;

    /** Seconds the server takes for a fixed piece of CPU work: how fast the machine was at that moment. */
    private static double serverSpeed(DemoDatabase db) throws SQLException {
        try (Connection c = db.open(); Statement st = c.createStatement()) {
            long t0 = System.nanoTime();
            st.executeQuery("SELECT BENCHMARK(" + SPEED_LOOPS + ", CRC32('the quick brown fox jumps over the lazy dog'))").close();
            return (System.nanoTime() - t0) / 1e9;
        }
    }

    private static String serverVersion(DemoDatabase db) throws SQLException {
        try (Connection c = db.open(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT VERSION()")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** Stops what this run started, each by its own PID, then removes the directory. Safe to call twice. */
    private void cleanUp(ChildProcesses children, Path dir, PrintWriter console) {
        children.stopAll();
        SandboxServer s = server;
        if (s != null) {
            try {
                s.stop();
                // the other caller may still be stopping it
                long deadline = System.nanoTime() + 60_000_000_000L;
                while (s.isRunning() && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
            } catch (RuntimeException e) {
                System.err.println("compare: could not stop the sandbox server (pid " + s.pid() + "): " + e.getMessage());
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (s.isRunning()) {
                System.err.println("compare: the sandbox server (pid " + s.pid() + ") is still running; its files stay in " + dir);
                return;
            }
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
            console.println("Stopped the sandbox" + (s == null ? "" : " (pid " + s.pid() + ")") + " and removed " + dir + ".");
            console.flush();
        } catch (IOException e) {
            System.err.println("compare: could not remove " + dir + ": " + e.getMessage());
        }
    }
}
