package dev.osc.engine;

import dev.osc.testing.TestServer;
import dev.osc.testing.TestServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What happens when things go wrong mid-run: the binlog connection is cut, a long transaction
 * holds the table at cut-over, the checksum finds a difference. The original table always keeps
 * serving, unchanged, and no osc table is left behind on failure.
 */
@ExtendWith(TestServerExtension.class)
class FailurePathsIT {
    private static final int ROWS = 3000;
    private static final String ALTER = "ADD COLUMN extra INT NOT NULL DEFAULT 0";
    private final TestServer server;

    FailurePathsIT(TestServer server) {
        this.server = server;
    }

    private String table() throws SQLException {
        String db = server.createDatabase("fail");
        server.exec(db, "CREATE TABLE t (id INT PRIMARY KEY, v INT, s VARCHAR(20))");
        try (Connection c = server.connect(db)) {
            MigrationFixture.fill(c, "INSERT INTO t VALUES (?, ?, ?)", ROWS, i -> new Object[] {i, i * 7, "s" + i});
        }
        return db;
    }

    /** Kills osc's binlog dump connection on the server, as a network cut or a failover would. */
    private int killBinlogDump() throws SQLException {
        int killed = 0;
        try (Connection c = server.connect(null); Statement st = c.createStatement()) {
            List<Long> ids = new java.util.ArrayList<>();
            try (ResultSet rs = st.executeQuery("SHOW PROCESSLIST")) {
                while (rs.next()) {
                    if (rs.getString("Command") != null && rs.getString("Command").startsWith("Binlog Dump")) {
                        ids.add(rs.getLong("Id"));
                    }
                }
            }
            for (long id : ids) {
                st.execute("KILL " + id);
                killed++;
            }
        }
        return killed;
    }

    @Test
    void binlogConnectionCutMidRunIsReestablishedAndNoChangeIsLost() throws Exception {
        String db = table();
        server.exec(db, "CREATE TABLE control LIKE t", "INSERT INTO control SELECT * FROM t");
        AtomicInteger killed = new AtomicInteger();
        Writers.Workload workload = (c, random, tables) -> {
            int id = 1 + random.nextInt(ROWS);
            int v = random.nextInt(100000);
            for (String table : tables) {
                Writers.exec(c, "UPDATE " + table + " SET v = ? WHERE id = ?", v, id);
            }
        };
        MigrationResult result;
        try (Writers writers = Writers.start(server, db, 2, 7, null, workload)) {
            result = new Migration(MigrationFixture.config(server, db, "t", ALTER).build(), new MigrationListener() {
                @Override
                public void phase(Phase phase, String detail) {
                    try {
                        if (phase == Phase.COPY) {
                            writers.awaitCommits(20);
                            killed.addAndGet(killBinlogDump());
                            writers.awaitCommits(50);
                        }
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                }
            }).execute();
            writers.awaitCommits(20);
        }
        assertEquals(1, killed.get(), "the test cut one binlog connection");
        assertTrue(result.binlogReconnects() >= 1, "osc reconnected");
        server.exec(db, "ALTER TABLE control " + ALTER);
        try (Connection c = server.connect(db)) {
            List<String> expected = MigrationFixture.rows(c, db, "control");
            List<String> actual = MigrationFixture.rows(c, db, "t");
            assertTrue(expected.equals(actual), () -> MigrationFixture.difference(expected, actual));
        }
    }

    @Test
    void binlogConnectionThatCannotBeReestablishedFailsCleanly() throws Exception {
        String db = table();
        String before;
        try (Connection c = server.connect(db)) {
            before = MigrationFixture.schema(c, db, "t");
        }
        MigrationConfig config = MigrationFixture.config(server, db, "t", ALTER).binlogReconnectAttempts(0).build();
        OscException e = assertThrows(OscException.class, () -> new Migration(config, new MigrationListener() {
            @Override
            public void phase(Phase phase, String detail) {
                if (phase == Phase.COPY) {
                    try {
                        killBinlogDump();
                        // a change osc would now miss: it must notice the dead stream, not swap without it
                        server.exec(db, "UPDATE t SET v = -v WHERE id = 1");
                        Thread.sleep(300);
                    } catch (Exception ex) {
                        throw new RuntimeException(ex);
                    }
                }
            }
        }).execute());
        assertEquals(OscException.Kind.FAILED, e.kind(), e.getMessage());
        assertTrue(e.getMessage().contains("binary log"), e.getMessage());
        assertUnchanged(db, before);
    }

    @Test
    void longTransactionAtCutOverMakesOscRetryThenGiveUpWithTheOriginalServing() throws Exception {
        String db = table();
        String before;
        try (Connection c = server.connect(db)) {
            before = MigrationFixture.schema(c, db, "t");
        }
        AtomicReference<Connection> holder = new AtomicReference<>();
        List<String> notices = new java.util.concurrent.CopyOnWriteArrayList<>();
        MigrationConfig config = MigrationFixture.config(server, db, "t", ALTER)
                .cutOverLockWait(Duration.ofSeconds(1)).cutOverAttempts(3).cutOverBackoff(Duration.ofMillis(100)).build();
        try {
            OscException e = assertThrows(OscException.class, () -> new Migration(config, new MigrationListener() {
                @Override
                public void phase(Phase phase, String detail) {
                    if (phase == Phase.CUT_OVER) {
                        try {
                            // an application transaction that read the table and stays open
                            Connection c = server.connect(db);
                            c.setAutoCommit(false);
                            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT v FROM t WHERE id = 1")) {
                                rs.next();
                            }
                            holder.set(c);
                        } catch (SQLException ex) {
                            throw new RuntimeException(ex);
                        }
                    }
                }

                @Override
                public void notice(String message) {
                    notices.add(message);
                }
            }).execute());
            assertEquals(OscException.Kind.FAILED, e.kind());
            assertTrue(e.getMessage().contains("cut-over failed 3 times"), e.getMessage());
            assertEquals(3, notices.stream().filter(n -> n.startsWith("cut-over attempt")).count(), notices.toString());
            // the application's transaction is still alive and can write and commit
            try (Statement st = holder.get().createStatement()) {
                assertEquals(1, st.executeUpdate("UPDATE t SET v = -1 WHERE id = 1"));
            }
            holder.get().commit();
        } finally {
            if (holder.get() != null) {
                holder.get().close();
            }
        }
        try (Connection c = server.connect(db); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT v FROM t WHERE id = 1")) {
            rs.next();
            assertEquals(-1, rs.getInt(1), "the original table serves writes");
        }
        assertUnchanged(db, before);
    }

    @Test
    void checksumDifferenceIsRepairedAndVerifiedAgain() throws Exception {
        String db = table();
        AtomicInteger checksums = new AtomicInteger();
        MigrationResult result = new Migration(MigrationFixture.config(server, db, "t", ALTER).build(), new MigrationListener() {
            @Override
            public void phase(Phase phase, String detail) {
                if (phase == Phase.CHECKSUM && checksums.incrementAndGet() == 1) {
                    try {
                        // damage the shadow behind osc's back: one changed, one missing, one extra row
                        server.exec(db, "UPDATE t_osc_new SET v = v + 1 WHERE id = 10", "DELETE FROM t_osc_new WHERE id = 2000",
                                "INSERT INTO t_osc_new (id, v, s) VALUES (999999, 1, 'x')");
                    } catch (SQLException e) {
                        throw new RuntimeException(e);
                    }
                }
            }
        }).execute();
        assertEquals(2, result.checksumRounds());
        // the table fits in one checksum range, so the three damaged rows are one range to repair
        assertEquals(1, result.rangesRepaired());
        try (Connection c = server.connect(db); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT COUNT(*), SUM(v), SUM(id = 999999) FROM t")) {
            rs.next();
            assertEquals(ROWS, rs.getInt(1));
            assertEquals(7L * ROWS * (ROWS + 1) / 2, rs.getLong(2));
            assertEquals(0, rs.getInt(3));
        }
    }

    @Test
    void checksumDifferenceThatComesBackEveryRoundStopsTheSwap() throws Exception {
        String db = table();
        String before;
        try (Connection c = server.connect(db)) {
            before = MigrationFixture.schema(c, db, "t");
        }
        OscException e = assertThrows(OscException.class, () -> new Migration(
                MigrationFixture.config(server, db, "t", ALTER).checksumRounds(2).build(), new MigrationListener() {
                    @Override
                    public void phase(Phase phase, String detail) {
                        if (phase == Phase.CHECKSUM) {
                            try {
                                server.exec(db, "UPDATE t_osc_new SET v = v + 1 WHERE id = 10");
                            } catch (SQLException ex) {
                                throw new RuntimeException(ex);
                            }
                        }
                    }
                }).execute());
        assertEquals(OscException.Kind.FAILED, e.kind());
        assertTrue(e.getMessage().contains("still differ"), e.getMessage());
        assertUnchanged(db, before);
    }

    private void assertUnchanged(String db, String schemaBefore) throws SQLException {
        try (Connection c = server.connect(db); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT COUNT(*), SUM(v) FROM t WHERE id <> 1")) {
            assertEquals(schemaBefore, MigrationFixture.schema(c, db, "t"));
            rs.next();
            assertEquals(ROWS - 1, rs.getInt(1));
            assertEquals(7L * ROWS * (ROWS + 1) / 2 - 7, rs.getLong(2));
            assertEquals(List.of(), MigrationFixture.oscTables(c, db), "no osc table left behind");
        }
    }
}
