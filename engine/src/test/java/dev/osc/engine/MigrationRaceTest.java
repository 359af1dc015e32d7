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
}
