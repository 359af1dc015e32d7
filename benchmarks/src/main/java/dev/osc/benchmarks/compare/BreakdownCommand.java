package dev.osc.benchmarks.compare;

import dev.osc.cli.demo.DemoDatabase;
import dev.osc.engine.sandbox.SandboxServer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code breakdown}: where the time of a copying schema change goes on this machine, measured with
 * plain SQL on the sysbench table the comparison uses: the server's own ALTER, the chunked
 * {@code INSERT ... SELECT} that osc and pt-online-schema-change run, and that copy without the
 * binary log, without the secondary index, with two sessions, and into a table without
 * AUTO_INCREMENT; then the checksum's cost per table with each way of hashing rows. Each step
 * copies into a fresh empty table; the server's CPU seconds come from its process.
 */
@Command(name = "breakdown", mixinStandardHelpOptions = true,
        description = "Measures where the time of a copying schema change goes, with plain SQL on a sysbench table in a throwaway MariaDB.")
public final class BreakdownCommand implements Callable<Integer> {
    private static final String TARGET = "`sbtest`.`t2`";
    private static final String SOURCE = SbTables.qualified(SbTables.DB);

    @Option(names = "--rows", defaultValue = "1000000", description = "Rows in the table (default: ${DEFAULT-VALUE}).")
    long rows;

    @Option(names = "--chunk", defaultValue = "10000", description = "Rows per INSERT ... SELECT (default: ${DEFAULT-VALUE}).")
    int chunk;

    @Option(names = "--server-option", paramLabel = "OPTION", description = "A mariadbd option for the sandbox (repeatable), after the comparison's"
            + " --innodb-buffer-pool-size=1G --innodb-log-file-size=1G.")
    List<String> serverOptions = new ArrayList<>();

    public static int run(String... args) {
        return new CommandLine(new BreakdownCommand()).execute(args);
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = new PrintWriter(System.out, true);
        try (ScratchSandbox sandbox = ScratchSandbox.start("breakdown", serverOptions)) {
            SandboxServer server = sandbox.server();
            DemoDatabase db = new DemoDatabase(server.jdbcUrl());
            SbTables tables = new SbTables(db);
            out.printf(Locale.ROOT, "Sandbox MariaDB (pid %d); filling %,d rows ...%n", server.pid(), rows);
            tables.fillTemplateBuiltIn(rows);
            tables.freshCopy();
            Steps steps = new Steps(db, server.pid(), out);
            out.println();
            out.println("| step | wall | server CPU |");
            out.println("|---|---:|---:|");
            steps.time("ALTER TABLE ... ADD COLUMN x, ALGORITHM=COPY (blocking; no binlog of rows)", c -> {
                exec(c, "CREATE TABLE `sbtest`.`a1` LIKE " + SOURCE, "SET SESSION sql_log_bin = 0",
                        "INSERT INTO `sbtest`.`a1` SELECT * FROM " + SOURCE, "SET SESSION sql_log_bin = 1");
            }, c -> exec(c, "ALTER TABLE `sbtest`.`a1` " + SbTables.ALTER + ", ALGORITHM=COPY"),
                    c -> exec(c, "DROP TABLE `sbtest`.`a1`"));
            steps.copy("chunked INSERT ... SELECT, binlogged (what osc and pt-online-schema-change do)", "", true, 1, false);
            steps.copy("the same, not binlogged (what the binlog costs)", "", false, 1, false);
            steps.copy("the same, binlogged, into a table without the secondary index k_1", ", DROP INDEX `k_1`", true, 1, true);
            steps.time("  then ALTER TABLE ADD INDEX k_1 (k), ALGORITHM=INPLACE on that table", c -> { },
                    c -> exec(c, "ALTER TABLE " + TARGET + " ADD INDEX `k_1` (`k`), ALGORITHM=INPLACE, LOCK=NONE"),
                    c -> exec(c, "DROP TABLE IF EXISTS " + TARGET));
            steps.copy("binlogged, two sessions (innodb_autoinc_lock_mode=" + steps.variable("innodb_autoinc_lock_mode") + ")",
                    "", true, 2, false);
            steps.copy("binlogged, one session, into a table without AUTO_INCREMENT", ", MODIFY `id` INT NOT NULL", true, 1, false);
            steps.copy("binlogged, two sessions, into a table without AUTO_INCREMENT", ", MODIFY `id` INT NOT NULL", true, 2, false);
            // as ChecksumExpressions builds it for this table (text after its length, NOT NULL columns)
            String row = "CONCAT_WS('#', `id`, `k`, LENGTH(`c`), `c`, `pad`)";
            String oldRow = "CONCAT_WS('#', `id`, `k`, CONVERT(`c` USING utf8mb4), CONVERT(`pad` USING utf8mb4),"
                    + " CONCAT(ISNULL(`id`), ISNULL(`k`), ISNULL(`c`), ISNULL(`pad`)))";
            steps.time("checksum of one table as osc had it: MD5 and CRC32 of each row, text converted, NULL markers",
                    c -> { }, c -> query(c, "SELECT COUNT(*), BIT_XOR(CONV(LEFT(MD5(" + oldRow + "), 16), 16, 10)), BIT_XOR(CRC32("
                            + oldRow + ")) FROM " + SOURCE), c -> { });
            steps.time("checksum of one table as osc has it on MariaDB 10.8+: CRC32 and CRC32C of each row, summed", c -> { },
                    c -> query(c, "SELECT " + dev.osc.engine.checksum.ChecksumExpressions.RangeSum.CRC32_AND_CRC32C.selectList(row)
                            + " FROM " + SOURCE), c -> { });
            return 0;
        }
    }

    private static void exec(Connection c, String... sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            for (String s : sql) {
                st.execute(s);
            }
        }
    }

    private static void query(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.executeQuery(sql).close();
        }
    }

    /** Timed steps, each with its setup and clean-up outside the time. */
    private final class Steps {
        private final DemoDatabase db;
        private final long pid;
        private final PrintWriter out;

        Steps(DemoDatabase db, long pid, PrintWriter out) {
            this.db = db;
            this.pid = pid;
            this.out = out;
        }

        interface Sql {
            void run(Connection c) throws Exception;
        }

        String variable(String name) throws SQLException {
            try (Connection c = db.open(); Statement st = c.createStatement();
                 java.sql.ResultSet rs = st.executeQuery("SELECT @@" + name)) {
                rs.next();
                return rs.getString(1);
            }
        }

        void time(String what, Sql setUp, Sql step, Sql cleanUp) throws Exception {
            try (Connection c = db.open()) {
                setUp.run(c);
                long cpu = serverCpuMillis();
                long t0 = System.nanoTime();
                step.run(c);
                long wall = System.nanoTime() - t0;
                long used = serverCpuMillis() - cpu;
                out.printf(Locale.ROOT, "| %s | %.2f s | %.2f s |%n", what, wall / 1e9, used / 1000.0);
                cleanUp.run(c);
            }
        }

        /**
         * Copies the table in chunks of {@link #chunk} rows into an empty t2 shaped like the result
         * (and by {@code shape}); {@code keep}: leave t2 for the next step.
         */
        void copy(String what, String shape, boolean binlog, int sessions, boolean keep) throws Exception {
            time(what, c -> exec(c, "SET SESSION sql_log_bin = 0", "DROP TABLE IF EXISTS " + TARGET,
                    "CREATE TABLE " + TARGET + " LIKE " + SOURCE,
                    "ALTER TABLE " + TARGET + " " + SbTables.ALTER + shape, "SET SESSION sql_log_bin = 1", "RESET MASTER"), c -> {
                List<Thread> threads = new ArrayList<>();
                List<Exception> failures = java.util.Collections.synchronizedList(new ArrayList<>());
                for (int s = 0; s < sessions; s++) {
                    int session = s;
                    Thread t = new Thread(() -> {
                        try (Connection own = db.open(); Statement st = own.createStatement()) {
                            st.execute("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED");
                            st.execute("SET SESSION sql_log_bin = " + (binlog ? 1 : 0));
                            // interleaved chunks: session s takes every sessions-th one
                            for (long lo = (long) session * chunk; lo < rows; lo += (long) sessions * chunk) {
                                st.execute("INSERT INTO " + TARGET + " (`id`, `k`, `c`, `pad`) SELECT `id`, `k`, `c`, `pad` FROM "
                                        + SOURCE + " FORCE INDEX (PRIMARY) WHERE `id` > " + lo + " AND `id` <= " + (lo + chunk));
                            }
                        } catch (SQLException e) {
                            failures.add(e);
                        }
                    });
                    t.start();
                    threads.add(t);
                }
                for (Thread t : threads) {
                    t.join();
                }
                if (!failures.isEmpty()) {
                    throw failures.get(0);
                }
            }, c -> {
                if (!keep) {
                    exec(c, "DROP TABLE IF EXISTS " + TARGET);
                }
            });
        }

        /** User plus system CPU of the server process so far (Linux /proc). */
        private long serverCpuMillis() throws IOException {
            String[] f = Files.readString(Path.of("/proc/" + pid + "/stat")).replaceFirst("^.*\\) ", "").split(" ");
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
            return ticks * 10;
        }
    }
}
