package dev.osc.testing;

import dev.osc.engine.db.Sql;
import dev.osc.engine.sandbox.SandboxServer;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A throwaway MariaDB replica of the local test server, for tests of what osc does about
 * replication: its own sandbox directory under target/, a free port, a server id of its own, and
 * {@code report-host}/{@code report-port} set so that the primary lists it in {@code SHOW SLAVE HOSTS}.
 *
 * <p>It replicates from the primary's binlog position at the time it starts, so tables created
 * before are not on it. Writes to those would stop its SQL thread; pass the databases the test
 * uses (created after the start, or not at all yet) to replicate only those.
 *
 * <p>Only possible when the tests run their own local MariaDB; with {@code OSC_TEST_JDBC_URL} or
 * Docker, {@link #start} aborts the test as skipped. Close it to stop the server (by its PID) and
 * remove its files.
 */
public final class TestReplica implements AutoCloseable {
    private static final Duration REPLICATING_WAIT = Duration.ofSeconds(30);
    /** The primary has server id 1 (SandboxStarter); replicas in one JVM count up from 2. */
    private static final AtomicInteger NEXT_SERVER_ID = new AtomicInteger(2);

    private final SandboxServer server;
    private final Path dir;

    private TestReplica(SandboxServer server, Path dir) {
        this.server = server;
        this.dir = dir;
    }

    /**
     * Starts a replica of {@code primary} and waits until both replication threads run.
     *
     * @param databases the only databases to replicate; none for all
     */
    public static TestReplica start(TestServer primary, String... databases) {
        Assumptions.assumeTrue(TestServerLauncher.launchesLocalSandbox() && primary.host().equals("127.0.0.1"),
                "a test replica needs the local MariaDB test server, not OSC_TEST_JDBC_URL or Docker: skipping");
        Path dir = Path.of("target").toAbsolutePath().resolve("test-replica-" + ProcessHandle.current().pid()
                + "-" + Long.toString(ThreadLocalRandom.current().nextLong(1L << 30, 1L << 40), 36));
        int serverId = NEXT_SERVER_ID.getAndIncrement();
        SandboxServer server = SandboxServer.start(dir, 0, port -> serverArgs(serverId, port, databases))
                .registerShutdownHook();
        TestReplica replica = new TestReplica(server, dir);
        try {
            replica.replicateFrom(primary);
            return replica;
        } catch (SQLException | RuntimeException e) {
            replica.close();
            throw new IllegalStateException("Test replica on port " + server.port() + " does not replicate: "
                    + e.getMessage(), e);
        }
    }

    private static List<String> serverArgs(int serverId, int port, String... databases) {
        List<String> args = new ArrayList<>(List.of(
                "--server-id=" + serverId,
                "--report-host=127.0.0.1",
                "--report-port=" + port,
                "--skip-slave-start"));
        for (String db : databases) {
            // A pattern: '_' and '%' in the name must not match other databases.
            args.add("--replicate-wild-do-table=" + db.replace("_", "\\_").replace("%", "\\%") + ".%");
        }
        return args;
    }

    private void replicateFrom(TestServer primary) throws SQLException {
        String file;
        long position;
        try (Connection c = primary.connect(null);
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SHOW MASTER STATUS")) {
            if (!rs.next()) {
                throw new IllegalStateException("the test server has no binlog");
            }
            file = rs.getString("File");
            position = rs.getLong("Position");
        }
        // A file and position rather than GTIDs: this fresh server shares no history with the primary.
        exec("CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=" + primary.port()
                        + ", MASTER_USER=" + Sql.literal(primary.user())
                        + ", MASTER_PASSWORD=" + Sql.literal(primary.password())
                        + ", MASTER_LOG_FILE=" + Sql.literal(file) + ", MASTER_LOG_POS=" + position
                        + ", MASTER_USE_GTID=no, MASTER_CONNECT_RETRY=1",
                "START SLAVE");
        awaitReplicating();
    }

    private void awaitReplicating() throws SQLException {
        long deadline = System.nanoTime() + REPLICATING_WAIT.toNanos();
        while (true) {
            try (Connection c = connect(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SHOW SLAVE STATUS")) {
                if (!rs.next()) {
                    throw new IllegalStateException("SHOW SLAVE STATUS is empty after CHANGE MASTER");
                }
                boolean io = "Yes".equals(rs.getString("Slave_IO_Running"));
                boolean sql = "Yes".equals(rs.getString("Slave_SQL_Running"));
                if (io && sql) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("not replicating within " + REPLICATING_WAIT.toSeconds()
                            + " s: IO thread " + rs.getString("Slave_IO_Running") + " (" + rs.getString("Last_IO_Error")
                            + "), SQL thread " + rs.getString("Slave_SQL_Running")
                            + " (" + rs.getString("Last_SQL_Error") + ")");
                }
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for replication to start", e);
            }
        }
    }

    /** Stops applying the primary's changes while still receiving them, so that the lag grows. */
    public void stopSqlThread() throws SQLException {
        exec("STOP SLAVE SQL_THREAD");
    }

    public void startSqlThread() throws SQLException {
        exec("START SLAVE SQL_THREAD");
    }

    /** A Connector/J URL for root, who has no password on the replica. */
    public String jdbcUrl() {
        return server.jdbcUrl();
    }

    public int port() {
        return server.port();
    }

    public long pid() {
        return server.pid();
    }

    /** {@code 127.0.0.1:<port>}, as the primary lists it. */
    public String address() {
        return "127.0.0.1:" + port();
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), "root", "");
    }

    /** Runs each statement in turn on one connection to the replica. */
    public void exec(String... sql) throws SQLException {
        try (Connection c = connect(); Statement st = c.createStatement()) {
            for (String s : sql) {
                st.execute(s);
            }
        }
    }

    /** Stops the server by its PID and deletes its directory. */
    @Override
    public void close() {
        server.stop();
        try (Stream<Path> paths = Files.exists(dir) ? Files.walk(dir) : Stream.empty()) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete the test replica's files in " + dir, e);
        }
    }

    @Override
    public String toString() {
        return "TestReplica[" + address() + ", pid " + pid() + "]";
    }
}
