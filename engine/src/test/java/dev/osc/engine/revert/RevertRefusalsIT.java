package dev.osc.engine.revert;

import dev.osc.engine.Migration;
import dev.osc.engine.MigrationFixture;
import dev.osc.engine.OscException;
import dev.osc.engine.db.ServerInfo;
import dev.osc.engine.state.StateStore;
import dev.osc.testing.TestServer;
import dev.osc.testing.TestServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every refusal of osc revert names the problem and the fix, exits as bad input, and leaves the
 * database and the migration's record exactly as they were; the dry run too changes nothing.
 */
@ExtendWith(TestServerExtension.class)
class RevertRefusalsIT {
    /** Widens a, lets b take NULL, adds decimal places, drops a unique key, adds a column. */
    private static final String ALTER = "MODIFY a VARCHAR(40), MODIFY b INT NULL, MODIFY p DECIMAL(12,4),"
            + " DROP INDEX u_code, ADD COLUMN c INT";

    private final TestServer server;

    RevertRefusalsIT(TestServer server) {
        this.server = server;
    }

    /** A migrated table of 50 rows with its cut-over recorded; returns the database. */
    private String migrated(String prefix) throws Exception {
        String db = server.createDatabase(prefix);
        server.exec(db, "CREATE TABLE t (id INT NOT NULL PRIMARY KEY, a VARCHAR(20), b INT NOT NULL, p DECIMAL(12,2),"
                + " code VARCHAR(10), UNIQUE KEY u_code (code)) ENGINE=InnoDB");
        try (Connection c = server.connect(db)) {
            MigrationFixture.fill(c, "INSERT INTO t VALUES (?, ?, ?, ?, ?)", 50,
                    i -> new Object[] {i, "a-" + i, i, i + 0.5, "code-" + i});
        }
        RevertFixture.migrate(server, db, "t", ALTER);
        return db;
    }

    private Revert revert(String db, String table) {
        return new Revert(RevertFixture.config(server, db, table), RevertListener.NONE);
    }

    /** The revert is refused as bad input, and neither the database nor the state record changed. */
    private String refused(String db, String table) throws Exception {
        Map<String, String> before = RevertFixture.picture(server, db);
        String state = RevertFixture.stateRow(server, db, table);
        OscException e = assertThrows(OscException.class, () -> revert(db, table).execute());
        assertEquals(OscException.Kind.BAD_INPUT, e.kind(), e.getMessage());
        assertTrue(e.getMessage().contains("othing was changed"), e.getMessage());
        assertEquals(before, RevertFixture.picture(server, db), "the refused revert changed the database");
        assertEquals(state, RevertFixture.stateRow(server, db, table), "the refused revert changed the state record");
        return e.getMessage();
    }

    private long migrationId(String db) throws Exception {
        try (StateStore store = new StateStore(RevertFixture.connection(server), RevertFixture.STATE)) {
            return store.latest(db, "t").orElseThrow().id();
        }
    }

    @Test
    void refusesOnceTheRevertWindowHasPassed() throws Exception {
        String db = migrated("revwin");
        server.exec(null, "UPDATE " + RevertFixture.STATE.migrations() + " SET revert_until = UTC_TIMESTAMP(6)"
                + " - INTERVAL 1 MINUTE WHERE id = " + migrationId(db));
        String message = refused(db, "t");
        assertTrue(message.contains("revert window of migration " + migrationId(db)) && message.contains("ended at"), message);
        assertTrue(message.contains("reverse ALTER"), message);
    }

    @Test
    void refusesWhenTheBinlogOfTheCutOverIsPurged() throws Exception {
        String db = migrated("revpurge");
        String cutFile;
        try (StateStore store = new StateStore(RevertFixture.connection(server), RevertFixture.STATE)) {
            cutFile = store.latest(db, "t").orElseThrow().cutoverPosition().orElseThrow().file();
        }
        purgeBinaryLogsUpToANewOne();
        assertFalse(binaryLogs().contains(cutFile), "the test server still has " + cutFile);
        String message = refused(db, "t");
        assertTrue(message.contains(cutFile) && message.contains("no longer on the server"), message);
        assertTrue(message.contains("binlog_expire_logs_seconds"), message);
    }

    /**
     * Starts a new binlog file and purges every earlier one. MariaDB keeps a file until InnoDB has
     * checkpointed the transactions in it, and skips it silently until then: try again for a while.
     */
    private void purgeBinaryLogsUpToANewOne() throws Exception {
        try (Connection c = server.connect(null); Statement st = c.createStatement()) {
            st.execute("FLUSH BINARY LOGS");
            String now = ServerInfo.binlogPosition(c).file();
            for (int attempt = 0; attempt < 100 && !binaryLogs().get(0).equals(now); attempt++) {
                st.execute("PURGE BINARY LOGS TO '" + now + "'");
                Thread.sleep(100);
            }
        }
    }

    private List<String> binaryLogs() throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = server.connect(null); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SHOW BINARY LOGS")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    @Test
    void namesTheRowsWhoseValuesNoLongerFitTheOldColumns() throws Exception {
        String db = migrated("revfit");
        server.exec(db, "UPDATE t SET a = REPEAT('x', 30) WHERE id BETWEEN 11 AND 22",
                "UPDATE t SET b = NULL WHERE id = 9",
                // rounded silently by a plain INSERT, even in strict mode
                "UPDATE t SET p = 1.2345 WHERE id = 30",
                // fits: the counts below show it is not named
                "UPDATE t SET a = 'short', b = 5, p = 2.5 WHERE id = 40");
        String message = refused(db, "t");
        assertTrue(message.contains("12 row(s) hold values that a (varchar(20)"), message);
        assertTrue(message.contains("(11), (12), (13), (14), (15), (16), (17), (18), (19), (20) and 2 more"), message);
        assertTrue(message.contains("1 row(s) hold values that b (int(11) NOT NULL") && message.contains(": (9)"), message);
        assertTrue(message.contains("1 row(s) hold values that p (decimal(12,2)") && message.contains(": (30)"), message);
    }

    @Test
    void namesRowsThatTheOldUniqueKeyRejects() throws Exception {
        String db = migrated("revuniq");
        server.exec(db, "INSERT INTO t (id, a, b, code) VALUES (1000, 'x', 1, 'code-5')",
                "INSERT INTO t (id, a, b, code) VALUES (1001, 'x', 1, 'twice'), (1002, 'y', 2, 'twice')");
        String message = refused(db, "t");
        assertTrue(message.contains("1 row(s) repeat the values of unique key (code)") && message.contains(": (1000)"), message);
        assertTrue(message.contains("1 row(s) collide on a unique key"), message);
    }

    @Test
    void refusesWhenTheOldTableIsGone() throws Exception {
        String db = migrated("revgone");
        String old = RevertFixture.string(server, "SELECT old_table FROM " + RevertFixture.STATE.migrations()
                + " WHERE id = ?", migrationId(db));
        server.exec(db, "DROP TABLE `" + old + "`");
        String message = refused(db, "t");
        assertTrue(message.contains("the old table " + old) && message.contains("is gone"), message);
    }

    @Test
    void refusesWhenADefinitionChangedSinceTheSwap() throws Exception {
        String db = migrated("revdef");
        server.exec(db, "ALTER TABLE t ADD INDEX k_b (b)");
        String message = refused(db, "t");
        assertTrue(message.contains("the definition of t or of its old table"), message);
    }

    @Test
    void refusesWhileARunHoldsTheTable() throws Exception {
        String db = migrated("revlock");
        try (Connection run = server.connect(null); PreparedStatement ps = run.prepareStatement("SELECT GET_LOCK(?, 0)")) {
            ps.setString(1, Migration.lockName(db, "t"));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                assertEquals(1, rs.getInt(1));
            }
            String message = refused(db, "t");
            assertTrue(message.contains("another osc run is changing this table"), message);
        }
    }

    @Test
    void refusesATableWithoutARecordedSwap() throws Exception {
        String db = server.createDatabase("revnone");
        server.exec(db, "CREATE TABLE t (id INT PRIMARY KEY)");
        String message = refused(db, "t");
        assertTrue(message.contains("no swap of " + db + ".t is recorded"), message);
    }

    @Test
    void refusesASecondRevert() throws Exception {
        String db = migrated("revtwice");
        revert(db, "t").execute();
        String message = refused(db, "t");
        assertTrue(message.contains("was already reverted"), message);
    }

    @Test
    void dryRunCountsTheChangesSinceTheCutOverAndChangesNothing() throws Exception {
        String db = migrated("revdry");
        String old = RevertFixture.string(server, "SELECT old_table FROM " + RevertFixture.STATE.migrations()
                + " WHERE id = ?", migrationId(db));
        // 10 rows: 5 updated (one of them twice), 3 inserted, 2 deleted
        server.exec(db, "UPDATE t SET a = 'u' WHERE id <= 5", "UPDATE t SET b = 0 WHERE id = 1",
                "INSERT INTO t (id, a, b, code) VALUES (100, 'n', 1, NULL), (101, 'n', 1, NULL), (102, 'n', 1, NULL)",
                "DELETE FROM t WHERE id IN (48, 49)");
        Map<String, String> before = RevertFixture.picture(server, db);
        String state = RevertFixture.stateRow(server, db, "t");

        RevertPlan plan = revert(db, "t").dryRun();

        assertEquals(10, plan.changedRows());
        assertEquals(old, plan.oldTable());
        assertTrue(plan.keptAs().startsWith("t_osc_rev_"), plan.keptAs());
        assertTrue(plan.to().isAtOrAfter(plan.from()), plan.from() + " .. " + plan.to());
        assertTrue(plan.notes().stream().anyMatch(n -> n.startsWith("column c, which the ALTER added")), plan.notes().toString());
        assertEquals(before, RevertFixture.picture(server, db), "the dry run changed the database");
        assertEquals(state, RevertFixture.stateRow(server, db, "t"), "the dry run changed the state record");
    }
}
