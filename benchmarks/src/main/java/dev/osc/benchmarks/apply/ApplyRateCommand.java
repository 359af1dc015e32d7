package dev.osc.benchmarks.apply;

import dev.osc.engine.ConnectionConfig;
import dev.osc.engine.Migration;
import dev.osc.engine.MigrationConfig;
import dev.osc.engine.MigrationListener;
import dev.osc.engine.MigrationResult;
import dev.osc.engine.Phase;
import dev.osc.engine.Progress;
import dev.osc.benchmarks.compare.ScratchSandbox;
import dev.osc.engine.sandbox.SandboxServer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code apply-rate}: whether osc's applier keeps up with a sustained write load. On a throwaway
 * MariaDB, osc copies a table and then keeps its shadow table in sync ({@code --postpone-cutover})
 * while writers change {@code --rate} rows per second for {@code --seconds}, with updates of
 * {@code --rows-per-statement} consecutive rows at random places. Every second it samples the
 * load's rows, the keys osc applied, the keys pending and how far the stream is behind; after the
 * load it measures how long osc takes to apply what is left, swaps, and checks that the new table
 * holds every row as the old one does.
 */
@Command(name = "apply-rate", mixinStandardHelpOptions = true,
        description = "Measures whether osc's change apply keeps up with a fixed-rate write load on a throwaway MariaDB.")
public final class ApplyRateCommand implements Callable<Integer> {
    private static final String DB = "applyrate";

    @Option(names = "--rows", defaultValue = "200000", description = "Rows in the table (default: ${DEFAULT-VALUE}).")
    int rows;

    @Option(names = "--rate", defaultValue = "10000", description = "Rows the load changes per second (default: ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = "--rows-per-statement", defaultValue = "20",
            description = "Consecutive rows each UPDATE changes (default: ${DEFAULT-VALUE}).")
    int rowsPerStatement;

    @Option(names = "--writers", defaultValue = "4", description = "Writer connections (default: ${DEFAULT-VALUE}).")
    int writers;

    @Option(names = "--seconds", defaultValue = "30", description = "How long the load runs (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--apply-threads", defaultValue = "0",
            description = "Transactions osc applies a batch in, side by side (default: 0, osc's choice: half the server's CPUs).")
    int applyThreads;

    @Option(names = "--server-option", paramLabel = "OPTION", description = "A mariadbd option for the sandbox (repeatable), after the comparison's"
            + " --innodb-buffer-pool-size=1G --innodb-log-file-size=1G.")
    List<String> serverOptions = new ArrayList<>();

    /** One second of the run. */
    record Sample(double second, long loadRows, long applied, long pending, double binlogLag) {
    }

    public static int run(String... args) {
        return new CommandLine(new ApplyRateCommand()).execute(args);
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = new PrintWriter(System.out, true);
        try (ScratchSandbox sandbox = ScratchSandbox.start("apply-rate", serverOptions)) {
            SandboxServer server = sandbox.server();
            String url = server.jdbcUrl();
            out.printf(Locale.ROOT, "Sandbox MariaDB on port %d; filling %,d rows ...%n", server.port(), rows);
            fill(url);

            AtomicReference<Progress> last = new AtomicReference<>();
            AtomicReference<Double> worstApplyLag = new AtomicReference<>(0.0);
            MigrationListener listener = new MigrationListener() {
                @Override
                public void progress(Progress p) {
                    last.set(p);
                }

                @Override
                public void changesApplied(int n, double lagSeconds) {
                    worstApplyLag.accumulateAndGet(lagSeconds, Math::max);
                }
            };
            Migration migration = new Migration(MigrationConfig.builder()
                    .connection(new ConnectionConfig("127.0.0.1", server.port(), "root", ""))
                    .database(DB).table("t").alter("ADD COLUMN x INT NOT NULL DEFAULT 0").allowInstant(false)
                    .postponeCutOver(true).applyThreads(applyThreads).build(), listener);
            CompletableFuture<MigrationResult> run = CompletableFuture.supplyAsync(migration::execute);
            while (migration.phase() != Phase.WAITING_FOR_CUTOVER) {
                if (run.isDone()) {
                    run.join();
                }
                Thread.sleep(100);
            }
            out.printf(Locale.ROOT, "osc keeps the shadow table in sync; the load changes %,d rows/s for %d s"
                    + " (%d writers, UPDATEs of %d consecutive rows) ...%n", rate, seconds, writers, rowsPerStatement);

            Load load = new Load(url, rate, rowsPerStatement, writers, rows);
            List<Sample> samples = new ArrayList<>();
            long start = System.nanoTime();
            load.start();
            for (int s = 1; s <= seconds; s++) {
                Thread.sleep(Math.max(0, start + s * 1_000_000_000L - System.nanoTime()) / 1_000_000);
                Progress p = last.get();
                samples.add(new Sample((System.nanoTime() - start) / 1e9, load.rowsChanged(), p.changesApplied(),
                        p.changesPending(), p.binlogLagSeconds()));
            }
            load.stop();
            long stopped = System.nanoTime();
            long loadRows = load.rowsChanged();
            while (last.get().changesPending() > 0 && System.nanoTime() - stopped < 120_000_000_000L) {
                Thread.sleep(50);
            }
            double drain = (System.nanoTime() - stopped) / 1e9;
            migration.cutOver();
            MigrationResult result = run.get(10, TimeUnit.MINUTES);
            String check = compare(url, result.plan().names().old());

            report(out, samples, loadRows, (stopped - start) / 1e9, drain, worstApplyLag.get(), load.errors(), check);
            return check.startsWith("ok") ? 0 : 1;
        }
    }

    private void fill(String url) throws SQLException {
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
            st.execute("SET SESSION sql_log_bin = 0");
            st.execute("CREATE DATABASE " + DB);
            st.execute("CREATE TABLE " + DB + ".t (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, k INT NOT NULL,"
                    + " c CHAR(120) NOT NULL, pad CHAR(60) NOT NULL, KEY k_1 (k))");
            st.execute("INSERT INTO " + DB + ".t (id, k, c, pad) SELECT seq, FLOOR(RAND() * " + rows + "), REPEAT('c', 120),"
                    + " REPEAT('p', 60) FROM " + DB + ".seq_1_to_" + rows);
            st.execute("ANALYZE TABLE " + DB + ".t");
        }
    }

    /** Whether the migrated table holds every row of the old one, with the same k. */
    private static String compare(String url, String oldTable) throws SQLException {
        String sum = "SELECT COUNT(*), COALESCE(BIT_XOR(CRC32(CONCAT_WS('#', id, k, c, pad))), 0) FROM ";
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
            String a;
            String b;
            try (ResultSet rs = st.executeQuery(sum + DB + ".t")) {
                rs.next();
                a = rs.getLong(1) + "/" + rs.getLong(2);
            }
            try (ResultSet rs = st.executeQuery(sum + DB + ".`" + oldTable + "`")) {
                rs.next();
                b = rs.getLong(1) + "/" + rs.getLong(2);
            }
            return a.equals(b) ? "ok: " + a.substring(0, a.indexOf('/')) + " rows, equal to the old table"
                    : "DIFFERENT: new " + a + ", old " + b;
        }
    }

    private void report(PrintWriter out, List<Sample> samples, long loadRows, double loadSeconds, double drain,
                        double worstApplyLag, long errors, String check) {
        out.println();
        out.println("| second | rows changed by the load | keys applied by osc | keys pending | binlog lag |");
        out.println("|---:|---:|---:|---:|---:|");
        Sample prev = new Sample(0, 0, samples.isEmpty() ? 0 : samples.get(0).applied(), 0, 0);
        long maxPending = 0;
        double maxLag = 0;
        for (Sample s : samples) {
            out.printf(Locale.ROOT, "| %.0f | %,d | %,d | %,d | %.1f s |%n", s.second(), s.loadRows() - prev.loadRows(),
                    s.applied() - prev.applied(), s.pending(), s.binlogLag());
            maxPending = Math.max(maxPending, s.pending());
            maxLag = Math.max(maxLag, s.binlogLag());
            prev = s;
        }
        Sample first = samples.get(0);
        Sample lastSample = samples.get(samples.size() - 1);
        double appliedRate = (lastSample.applied() - first.applied()) / Math.max(1e-9, lastSample.second() - first.second());
        out.println();
        out.printf(Locale.ROOT, "load: %,d rows changed in %.1f s = %,.0f rows/s (%d statements failed)%n", loadRows, loadSeconds,
                loadRows / loadSeconds, errors);
        out.printf(Locale.ROOT, "osc: %,.0f keys applied/s (after de-duplication), at most %,d keys pending, binlog lag at"
                + " most %.1f s, oldest change applied %.0f s after its commit; %.1f s to apply the rest after the load"
                + " stopped%n", appliedRate, maxPending, maxLag, worstApplyLag, drain);
        out.println("result table: " + check);
    }

    /** Writers that change {@code rate} rows per second, each on its own schedule. */
    private static final class Load {
        private final String url;
        private final int rowsPerStatement;
        private final int writers;
        private final int tableRows;
        private final long nanosPerStatement;
        private final AtomicLong changed = new AtomicLong();
        private final AtomicLong errors = new AtomicLong();
        private final List<Thread> threads = new ArrayList<>();
        private volatile boolean stopped;

        Load(String url, int rate, int rowsPerStatement, int writers, int tableRows) {
            this.url = url;
            this.rowsPerStatement = rowsPerStatement;
            this.writers = writers;
            this.tableRows = tableRows;
            // each writer's interval between statements, so that all of them together change `rate` rows/s
            this.nanosPerStatement = (long) (1e9 * rowsPerStatement * writers / rate);
        }

        void start() {
            long begin = System.nanoTime();
            for (int w = 0; w < writers; w++) {
                Thread t = new Thread(() -> write(begin), "apply-rate-writer-" + w);
                t.setDaemon(true);
                t.start();
                threads.add(t);
            }
        }

        private void write(long begin) {
            try (Connection c = DriverManager.getConnection(url);
                 PreparedStatement ps = c.prepareStatement("UPDATE " + DB + ".t SET k = k + 1 WHERE id BETWEEN ? AND ?")) {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                for (long n = 0; !stopped; n++) {
                    long due = begin + n * nanosPerStatement;
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                    int from = 1 + random.nextInt(tableRows - rowsPerStatement);
                    ps.setInt(1, from);
                    ps.setInt(2, from + rowsPerStatement - 1);
                    try {
                        changed.addAndGet(ps.executeUpdate());
                    } catch (SQLException e) {
                        errors.incrementAndGet();
                    }
                }
            } catch (SQLException e) {
                errors.incrementAndGet();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        void stop() throws InterruptedException {
            stopped = true;
            for (Thread t : threads) {
                t.join(10_000);
            }
        }

        long rowsChanged() {
            return changed.get();
        }

        long errors() {
            return errors.get();
        }
    }
}
