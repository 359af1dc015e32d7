package dev.osc.engine;

import dev.osc.testing.TestServer;
import dev.osc.testing.TestServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What the tests that race a migration against other sessions share: the test server, the runs
 * they start (cancelled after each test), the sessions they open (closed after each test), and
 * small queries.
 */
@ExtendWith(TestServerExtension.class)
abstract class MigrationRaceTest {
    static final String ALTER = "ADD COLUMN note VARCHAR(20) NOT NULL DEFAULT 'n'";
    final TestServer server;
    final List<Migration> started = new CopyOnWriteArrayList<>();
    final List<Connection> sessions = new ArrayList<>();

    MigrationRaceTest(TestServer server) {
        this.server = server;
    }

    @AfterEach
    void cleanUp() {
        started.forEach(Migration::cancel);
        for (Connection c : sessions) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // the test is over
            }
        }
    }

    /** A new database with table t (id INT primary key, v INT): ids and values 10, 20, ..., 4000. */
    String createTable(String prefix) throws SQLException {
        String db = server.createDatabase(prefix);
        server.exec(db, "CREATE TABLE t (id INT NOT NULL PRIMARY KEY, v INT NOT NULL)");
        try (Connection c = server.connect(db)) {
            MigrationFixture.fill(c, "INSERT INTO t VALUES (?, ?)", 400, i -> new Object[] {i * 10, i * 10});
        }
        return db;
    }

    Connection session(String db) throws SQLException {
        Connection c = server.connect(db);
        sessions.add(c);
        return c;
    }

    static long count(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static boolean holds(Connection c, String sql) {
        try {
            return count(c, sql) > 0;
        } catch (SQLException e) {
            return false;
        }
    }

    static String global(Connection c, String variable) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT @@GLOBAL." + variable)) {
            rs.next();
            return rs.getString(1);
        }
    }

    static List<String> idAndV(Connection c, String table, String where) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT id, v FROM " + table + " WHERE " + where + " ORDER BY id")) {
            while (rs.next()) {
                out.add(rs.getInt(1) + "=" + rs.getInt(2));
            }
        }
        return out;
    }

    /**
     * Waits until range 1 (ids up to 1000, 100 rows) is in the shadow table and range 2's chunk
     * waits for an uncommitted shadow row at id 1500 that a test session inserted.
     */
    static void awaitRange2WaitingAt1500(Connection c, String db) throws Exception {
        // INNODB_TRX is a cache that is refreshed only when not read for 0.1 s: poll it slower than that
        Recorder.await("range 1 copied and range 2's chunk waiting at id 1500", 30, () -> {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return holds(c, "SELECT COUNT(*) FROM information_schema.INNODB_TRX WHERE trx_state = 'LOCK WAIT'"
                    + " AND trx_query LIKE '%INTO `" + db + "`.`t_osc_new`%'")
                    && holds(c, "SELECT COUNT(*) = 100 FROM t_osc_new WHERE id <= 1000");
        });
    }

    /** A run started by {@link #startHeldAt1500}, and the session that holds its range 2. */
    record Held(CompletableFuture<MigrationResult> run, Connection at1500) {
    }

    /**
     * Starts a run with one worker and ranges of exactly 100 rows, paused; once it has created its
     * shadow table, a session inserts the row at id 1500 into it ({@code shadowRow}: its columns and
     * VALUES) without committing, so that range 2's chunk will wait there, and the run resumes.
     */
    Held startHeldAt1500(String db, Recorder rec, String shadowRow) throws Exception {
        Migration m = new Migration(MigrationFixture.config(server, db, "t", ALTER).threads(1).initialChunkRows(100)
                .maxChunkRows(100).chunkTime(Duration.ofSeconds(10)).throttleInterval(Duration.ofMillis(20))
                .checkpointInterval(Duration.ofHours(1)).stateSchema("osc_st_" + db).build(), rec);
        started.add(m);
        m.pause();
        CompletableFuture<MigrationResult> run = CompletableFuture.supplyAsync(m::execute);
        Recorder.await("the run to create its shadow table and wait, paused", 60,
                () -> rec.phase() == Phase.COPY && rec.lastThrottle().startsWith("paused"));
        Connection at1500 = session(db);
        at1500.setAutoCommit(false);
        at1500.createStatement().execute("INSERT INTO t_osc_new " + shadowRow);
        m.resume();
        return new Held(run, at1500);
    }

    /** {@link #startHeldAt1500}, then waits until range 1 is copied and range 2's chunk waits at 1500. */
    Held runHeldInRange2(String db, Recorder rec, String shadowRow) throws Exception {
        Held held = startHeldAt1500(db, rec, shadowRow);
        try (Connection c = server.connect(db)) {
            awaitRange2WaitingAt1500(c, db);
        }
        return held;
    }

    /** The primary's semi-sync settings, which the rotation tests change and put back. */
    record SemiSync(String enabled, String timeout, String waitPoint, String noSlave) {
        static SemiSync read(Connection c) throws SQLException {
            return new SemiSync(global(c, "rpl_semi_sync_master_enabled"), global(c, "rpl_semi_sync_master_timeout"),
                    global(c, "rpl_semi_sync_master_wait_point"), global(c, "rpl_semi_sync_master_wait_no_slave"));
        }

        void restore(Connection c) throws SQLException {
            try (Statement a = c.createStatement()) {
                a.execute("SET GLOBAL rpl_semi_sync_master_enabled = " + enabled);
                a.execute("SET GLOBAL rpl_semi_sync_master_timeout = " + timeout);
                a.execute("SET GLOBAL rpl_semi_sync_master_wait_point = " + waitPoint);
                a.execute("SET GLOBAL rpl_semi_sync_master_wait_no_slave = " + noSlave);
            }
        }
    }
}
