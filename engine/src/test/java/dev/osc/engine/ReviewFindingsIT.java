package dev.osc.engine;

import dev.osc.testing.TestServer;
import dev.osc.testing.TestServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Changes that osc cannot follow row by row must stop the migration, never be skipped; and unique
 * values moving between rows must not break or corrupt the copy. Each case comes from a review
 * that reproduced a silent loss or a spurious failure.
 */
@ExtendWith(TestServerExtension.class)
class ReviewFindingsIT {
    private final TestServer server;

    ReviewFindingsIT(TestServer server) {
        this.server = server;
    }

    @Test
    void uniqueValuesSwappedBetweenRowsDuringTheMigrationAreCarriedOver() throws Exception {
        String db = server.createDatabase("uniqswap");
        server.exec(db, "CREATE TABLE t (id INT PRIMARY KEY, u INT NOT NULL, v INT, UNIQUE KEY uu (u))");
        try (Connection c = server.connect(db)) {
            MigrationFixture.fill(c, "INSERT INTO t VALUES (?, ?, ?)", 3000, i -> new Object[] {i, i, 0});
            server.exec(db, "CREATE TABLE control LIKE t", "INSERT INTO control SELECT * FROM t");
            MigrationResult result;
            try (Writers writers = Writers.start(server, db, 4, 5, null, (conn, random, tables) -> {
                // the three statements above swap through a negative value; done in Java to keep them simple
                int a = 1 + random.nextInt(3000);
                int b = 1 + random.nextInt(3000);
                if (a == b) {
                    return;
                }
                for (String table : tables) {
                    Integer ua = value(conn, table, a);
                    Integer ub = value(conn, table, b);
                    if (ua == null || ub == null) {
                        return;
                    }
                    Writers.exec(conn, "UPDATE " + table + " SET u = ? WHERE id = ?", -ua, a);
                    Writers.exec(conn, "UPDATE " + table + " SET u = ?, v = v + 1 WHERE id = ?", ua, b);
                    Writers.exec(conn, "UPDATE " + table + " SET u = ?, v = v + 1 WHERE id = ?", ub, a);
                }
            })) {
                writers.awaitCommits(50);
                // small apply batches, so that a swap's two rows often fall into different batches
                result = new Migration(MigrationFixture.config(server, db, "t", "ADD COLUMN w INT DEFAULT 1")
                        .applyBatchKeys(3).build(), writers.overlappingEveryPhase(50)).execute();
                writers.awaitCommits(20);
            }
            assertTrue(result.changesApplied() > 0);
            server.exec(db, "ALTER TABLE control ADD COLUMN w INT DEFAULT 1");
            List<String> expected = MigrationFixture.rows(c, db, "control");
            List<String> actual = MigrationFixture.rows(c, db, "t");
            assertTrue(expected.equals(actual), () -> MigrationFixture.difference(expected, actual));
        }
    }

    private static Integer value(Connection c, String table, int id) throws SQLException {
        try (var ps = c.prepareStatement("SELECT u FROM " + table + " WHERE id = ? FOR UPDATE")) {
            ps.setInt(1, id);
            try (var rs = ps.executeQuery()) {
                return rs.next() ? rs.getInt(1) : null;
            }
        }
    }

    /** Runs the migration and, when the copy starts, does {@code during} from another session. */
    private OscException failsWhen(String db, String alter, Consumer<Connection> during) throws SQLException {
        String before;
        try (Connection c = server.connect(db)) {
            before = MigrationFixture.schema(c, db, "t");
        }
        OscException e = assertThrows(OscException.class, () -> new Migration(MigrationFixture.config(server, db, "t", alter)
                .build(), new MigrationListener() {
            @Override
            public void phase(Phase phase, String detail) {
                if (phase == Phase.COPY) {
                    try (Connection other = server.connect(db)) {
                        during.accept(other);
                    } catch (SQLException ex) {
                        throw new RuntimeException(ex);
                    }
                }
            }
        }).execute());
        assertEquals(OscException.Kind.FAILED, e.kind(), e.getMessage());
        try (Connection c = server.connect(db)) {
            assertEquals(List.of(), MigrationFixture.oscTables(c, db), "no osc table left behind");
            if (!alter.isEmpty()) {
                assertTrue(MigrationFixture.tables(c, db).contains("t"));
            }
            assertTrue(before.length() > 0);
        }
        return e;
    }

    private static void run(Connection c, String... sql) {
        try (Statement st = c.createStatement()) {
            for (String s : sql) {
                st.execute(s);
            }
        } catch (SQLException e) {
            throw new RuntimeException(e);
        }
    }

    private String plainTable(String prefix) throws SQLException {
        String db = server.createDatabase(prefix);
        server.exec(db, "CREATE TABLE t (id INT PRIMARY KEY, v INT)");
        try (Connection c = server.connect(db)) {
            MigrationFixture.fill(c, "INSERT INTO t VALUES (?, ?)", 2000, i -> new Object[] {i, i});
        }
        return db;
    }

    @Test
    void dmlLoggedAsAStatementStopsTheMigration() throws Exception {
        String db = plainTable("sbr");
        OscException e = failsWhen(db, "ADD COLUMN w INT", c -> run(c, "SET SESSION binlog_format = 'STATEMENT'",
                "UPDATE t SET v = v + 1 WHERE id <= 10"));
        assertTrue(e.getMessage().contains("binlog_format is STATEMENT or MIXED"), e.getMessage());
    }

    @Test
    void anotherSessionsIndexChangeStopsTheMigration() throws Exception {
        String db = plainTable("foreignddl");
        OscException e = failsWhen(db, "ADD COLUMN w INT", c -> run(c, "CREATE INDEX k_v ON t (v)"));
        assertTrue(e.getMessage().contains("CREATE INDEX"), e.getMessage());
    }

    @Test
    void aStatementOnAnotherTableThatMerelyMentionsTheNameDoesNotStopIt() throws Exception {
        String db = plainTable("otherddl");
        MigrationResult result = new Migration(MigrationFixture.config(server, db, "t", "ADD COLUMN w INT").build(),
                new MigrationListener() {
                    @Override
                    public void phase(Phase phase, String detail) {
                        if (phase == Phase.COPY) {
                            try (Connection other = server.connect(db)) {
                                run(other, "CREATE TABLE customers (id INT PRIMARY KEY)", "ALTER TABLE customers ADD COLUMN t INT");
                            } catch (SQLException ex) {
                                throw new RuntimeException(ex);
                            }
                        }
                    }
                }).execute();
        assertTrue(result.executed());
    }

    @Test
    void aChangedRowKeyedByAZeroDateStopsTheMigration() throws Exception {
        String db = server.createDatabase("zerodate");
        server.exec(db, "SET SESSION sql_mode = ''", "CREATE TABLE t (d DATE NOT NULL PRIMARY KEY, v INT)");
        try (Connection c = server.connect(db)) {
            run(c, "SET SESSION sql_mode = ''", "INSERT INTO t VALUES ('2024-01-00', 1), ('2024-01-01', 2), ('2024-02-03', 3)");
        }
        OscException e = failsWhen(db, "ADD COLUMN w INT", c -> run(c, "SET SESSION sql_mode = ''",
                "UPDATE t SET v = 10 WHERE d = '2024-01-00'"));
        assertTrue(e.getMessage().contains("zero"), e.getMessage());
    }

    @Test
    void yearZeroKeyIsFollowed() throws Exception {
        String db = server.createDatabase("yearzero");
        server.exec(db, "CREATE TABLE t (y YEAR NOT NULL PRIMARY KEY, v INT)",
                "INSERT INTO t VALUES (0, 1), (1999, 2), (2024, 3)");
        new Migration(MigrationFixture.config(server, db, "t", "ADD COLUMN w INT").build(), new MigrationListener() {
            @Override
            public void phase(Phase phase, String detail) {
                if (phase == Phase.CHECKSUM) {
                    try {
                        server.exec(db, "UPDATE t SET v = 10 WHERE y = 0");
                    } catch (SQLException ex) {
                        throw new RuntimeException(ex);
                    }
                }
            }
        }).execute();
        try (Connection c = server.connect(db); Statement st = c.createStatement();
             var rs = st.executeQuery("SELECT v FROM t WHERE y = 0")) {
            rs.next();
            assertEquals(10, rs.getInt(1));
        }
    }

    @Test
    void compressedBinlogIsRefusedBeforeAnythingChanges() throws Exception {
        String db = plainTable("compress");
        server.exec(null, "SET GLOBAL log_bin_compress = ON");
        try {
            OscException e = assertThrows(OscException.class, () -> new Migration(
                    MigrationFixture.config(server, db, "t", "ADD COLUMN w INT").build(), MigrationListener.NONE).execute());
            assertEquals(OscException.Kind.SERVER, e.kind());
            assertTrue(e.getMessage().contains("log_bin_compress"), e.getMessage());
        } finally {
            server.exec(null, "SET GLOBAL log_bin_compress = OFF");
        }
    }

    @Test
    void autoIncrementSetByTheAlterIsKept() throws Exception {
        String db = server.createDatabase("autoinc2");
        server.exec(db, "CREATE TABLE t (id INT PRIMARY KEY AUTO_INCREMENT, v INT)", "INSERT INTO t (v) VALUES (1), (2), (3)");
        new Migration(MigrationFixture.config(server, db, "t", "ADD COLUMN w INT, AUTO_INCREMENT = 1000000").build(),
                MigrationListener.NONE).execute();
        server.exec(db, "INSERT INTO t (v) VALUES (4)");
        try (Connection c = server.connect(db); Statement st = c.createStatement();
             var rs = st.executeQuery("SELECT MAX(id) FROM t")) {
            rs.next();
            assertEquals(1000000, rs.getInt(1));
        }
    }

    @Test
    void timestampConversionsFollowTheServersTimeZoneAsAPlainAlterDoes() throws Exception {
        String db = server.createDatabase("tz");
        server.exec(null, "SET GLOBAL time_zone = '+05:00'");
        try {
            server.exec(db, "CREATE TABLE t (id INT PRIMARY KEY, ts TIMESTAMP NULL, dt DATETIME)",
                    "INSERT INTO t VALUES (1, '2024-06-01 12:00:00', '2024-06-01 12:00:00'), (2, NULL, NULL)",
                    "CREATE TABLE control LIKE t", "INSERT INTO control SELECT * FROM t");
            String alter = "MODIFY ts DATETIME, MODIFY dt TIMESTAMP NULL";
            new Migration(MigrationFixture.config(server, db, "t", alter).build(), MigrationListener.NONE).execute();
            server.exec(db, "ALTER TABLE control " + alter);
            try (Connection c = server.connect(db)) {
                assertEquals(MigrationFixture.rows(c, db, "control"), MigrationFixture.rows(c, db, "t"));
            }
        } finally {
            server.exec(null, "SET GLOBAL time_zone = 'SYSTEM'");
        }
    }

    @Test
    void timestampKeyedTableRefusesTimeZoneDependentConversionsWhenTheServerIsNotOnUtc() throws Exception {
        String db = server.createDatabase("tskey");
        server.exec(db, "CREATE TABLE t (id TIMESTAMP(6) NOT NULL PRIMARY KEY, t2 TIMESTAMP NULL, v INT)",
                "INSERT INTO t VALUES ('2024-01-01 10:00:00', '2024-01-01 10:00:00', 1)");
        server.exec(null, "SET GLOBAL time_zone = '+05:00'");
        try {
            Plan plan = new Migration(MigrationFixture.config(server, db, "t", "MODIFY t2 DATETIME NULL").build(),
                    MigrationListener.NONE).plan();
            assertEquals(List.of("TIMESTAMP_KEY_TIME_ZONE"), plan.blockers().stream().map(f -> f.code()).toList());
            Plan harmless = new Migration(MigrationFixture.config(server, db, "t", "ADD COLUMN w INT").build(),
                    MigrationListener.NONE).plan();
            assertTrue(harmless.blockers().isEmpty(), harmless.findings().toString());
        } finally {
            server.exec(null, "SET GLOBAL time_zone = 'SYSTEM'");
        }
    }
}
