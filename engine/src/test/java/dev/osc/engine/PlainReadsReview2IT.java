package dev.osc.engine;

import dev.osc.engine.copy.ReadMode;
import dev.osc.testing.TestServer;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Second review of plain (non-locking) reads on MariaDB, after the fixes in PlainReadsReviewIT.
 * Same set-up: ids 10, 20, ..., 4000, one copy worker, ranges of exactly 100 rows; range 2's chunk
 * is held at id 1500 by an uncommitted shadow row of a test session, so that a change to id 500
 * (range 1, copied) is applied at once and the shadow can be looked at before the checksum. Both
 * tests failed while the horizon counted any position in the batch's file; it now counts only a
 * position where a transaction the stream read ends, in that file and in no other.
 */
class PlainReadsReview2IT extends MigrationRaceTest {

    PlainReadsReview2IT(TestServer server) {
        super(server);
    }

    /** Binlog_snapshot_file:Binlog_snapshot_position, what CommitHorizon reads. */
    private static String horizon(Connection c) throws SQLException {
        String file = null;
        String pos = null;
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SHOW STATUS LIKE 'Binlog_snapshot_%'")) {
            while (rs.next()) {
                if (rs.getString(1).equalsIgnoreCase("Binlog_snapshot_file")) {
                    file = rs.getString(2);
                } else if (rs.getString(1).equalsIgnoreCase("Binlog_snapshot_position")) {
                    pos = rs.getString(2);
                }
            }
        }
        return file + ":" + pos;
    }

    /** SHOW MASTER STATUS: where the binlog is written to. */
    private static String written(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SHOW MASTER STATUS")) {
            rs.next();
            return rs.getString(1) + ":" + rs.getLong(2);
        }
    }

    private static long offset(String position) {
        return Long.parseLong(position.substring(position.lastIndexOf(':') + 1));
    }

    private static String fileOf(String position) {
        return position.substring(0, position.lastIndexOf(':'));
    }

    private CompletableFuture<Void> async(String db, String sql) {
        return CompletableFuture.runAsync(() -> {
            try (Connection w = server.connect(db)) {
                w.createStatement().execute(sql);
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /**
     * T1 (a 300 kB insert into table x) waits for a semi-sync ack; FLUSH BINARY LOGS rotates past
     * it; T1 times out and commits. Semi-sync is armed again and T2 = {@code update} on t is
     * started: it is written to the new file and waits up to 3 s for an ack before its engine
     * commit. Returns once T2 is committed, with what the server reported before T2.
     */
    private String rotateOverAGroupThenWaitingUpdate(String db, String state, Connection c, Connection admin,
                                                     String update) throws Exception {
        // osc's own state writes would be a group commit of their own in between: hold them back
        Connection stateLock = session(db);
        stateLock.createStatement().execute("LOCK TABLES `" + state + "`.migrations READ");
        Thread.sleep(300);
        String enabled = global(admin, "rpl_semi_sync_master_enabled");
        Statement a = admin.createStatement();
        a.execute("SET GLOBAL rpl_semi_sync_master_wait_point = AFTER_SYNC");
        a.execute("SET GLOBAL rpl_semi_sync_master_wait_no_slave = ON");
        a.execute("SET GLOBAL rpl_semi_sync_master_timeout = 2000");
        a.execute("SET GLOBAL rpl_semi_sync_master_enabled = ON");

        // T1, on another table, waits for its ack after its binlog write; the binlog rotates meanwhile
        CompletableFuture<Void> t1 = async(db, "INSERT INTO x VALUES (1, REPEAT('a', 300000))");
        Thread.sleep(300);
        assertTrue(!t1.isDone(), "T1 did not wait for a semi-sync ack; the interleaving was not set up");
        String t1End = written(c);
        a.execute("FLUSH BINARY LOGS");
        t1.get(30, TimeUnit.SECONDS);

        // arm semi-sync again (it switched itself off at T1's timeout): T2 waits for its ack too
        a.execute("SET GLOBAL rpl_semi_sync_master_enabled = OFF");
        a.execute("SET GLOBAL rpl_semi_sync_master_timeout = 3000");
        a.execute("SET GLOBAL rpl_semi_sync_master_enabled = ON");
        String horizonBeforeT2 = horizon(c);
        String writtenBeforeT2 = written(c);
        String setUp = "T1 ended at " + t1End + "; before T2 the binlog is written up to " + writtenBeforeT2
                + " and Binlog_snapshot_position says " + horizonBeforeT2;
        // the horizon lies in the new file, beyond its end: at T1's end offset in the old file
        assertEquals(fileOf(writtenBeforeT2), fileOf(horizonBeforeT2), setUp);
        assertTrue(offset(horizonBeforeT2) > offset(writtenBeforeT2) + 10_000, setUp);
        CompletableFuture<Void> t2 = async(db, update);
        Thread.sleep(300);
        assertTrue(!t2.isDone(), "T2 did not wait for a semi-sync ack; the interleaving was not set up");
        t2.get(30, TimeUnit.SECONDS);
        a.execute("SET GLOBAL rpl_semi_sync_master_enabled = " + enabled);
        stateLock.createStatement().execute("UNLOCK TABLES");
        return setUp;
    }

    private String createTables(String prefix) throws SQLException {
        String db = server.createDatabase(prefix);
        server.exec(db, "CREATE TABLE t (id INT NOT NULL PRIMARY KEY, v INT NOT NULL)",
                "CREATE TABLE x (id INT NOT NULL PRIMARY KEY, b LONGBLOB NOT NULL)");
        try (Connection c = server.connect(db)) {
            MigrationFixture.fill(c, "INSERT INTO t VALUES (?, ?)", 400, i -> new Object[] {i * 10, i * 10});
        }
        return db;
    }

    /**
     * The same-file rule of CommitHorizon.await trusts Binlog_snapshot_position whenever it is in
     * the target's file. But after a FLUSH BINARY LOGS that overtook a group waiting for its
     * semi-sync ack, that position is wrong in the new file: MYSQL_BIN_LOG::open sets
     * last_commit_pos_file/offset to (new file, its header end), and when the old group then
     * commits, trx_group_commit_leader sets only last_commit_pos_offset, to commit_offset, the
     * group's end in the OLD file (taken under LOCK_log, before the rotation). So the horizon reads
     * (new file, old group's end offset), far beyond the new file's end, until the next group commit
     * or binlog checkpoint event: the next group written to the new file counts as committed from
     * its binlog write on.
     *
     * <p>Interleaving (deterministic with semi-sync AFTER_SYNC and no semi-sync replica): range 1
     * copied, range 2 held at 1500. T1 = a 300 kB insert into another table x waits for an ack;
     * FLUSH BINARY LOGS; T1 times out and commits: horizon = (new file, ~390 kB) while the file
     * ends at ~340. Semi-sync is armed again; T2 = UPDATE t SET v = 999 WHERE id = 500 is written to
     * the new file at ~1.2 kB and waits for its ack. The applier takes key 500 with upTo (new file,
     * ~1.2 kB); the horizon is in the same file and larger, so row 500 is re-read with a plain read
     * before T2 commits: shadow row 500 keeps v = 500 and nothing re-applies it (the checksum repairs it).
     */
    @Test
    void theCommitHorizonInTheNewFileAfterARotationThatOvertookAGroupIsNotTrusted() throws Exception {
        String db = createTables("pr2_rotate");
        String state = "osc_st_" + db;
        Recorder rec = new Recorder();
        Held held = startHeldAt1500(db, rec, "(id, v) VALUES (1500, 0)");
        CompletableFuture<MigrationResult> run = held.run();
        Connection at1500 = held.at1500();

        Connection admin = session(db);
        SemiSync semiSync = SemiSync.read(admin);
        try (Connection c = server.connect(db)) {
            awaitRange2WaitingAt1500(c, db);
            String setUp = rotateOverAGroupThenWaitingUpdate(db, state, c, admin, "UPDATE t SET v = 999 WHERE id = 500");
            assertEquals(1, count(c, "SELECT COUNT(*) FROM t WHERE id = 500 AND v = 999"));

            // the applier has had T2's key since T2's binlog write; give it a moment after T2's commit
            Thread.sleep(1000);
            List<String> shadow500 = idAndV(c, "t_osc_new", "id = 500");
            at1500.rollback();

            MigrationResult result = run.get(120, TimeUnit.SECONDS);
            assertEquals(ReadMode.CONSISTENT, result.reads());
            List<String> expected = idAndV(c, "`" + result.plan().names().old() + "`", "1 = 1");
            List<String> actual = idAndV(c, "t", "1 = 1");
            assertTrue(expected.equals(actual), () -> MigrationFixture.difference(expected, actual));
            assertEquals(0, result.rangesRepaired(), "the applier re-read row 500 before T2 was visible; shadow row"
                    + " 500 after T2 committed: " + shadow500 + ". " + setUp + ". Notices: " + rec.notices);
            assertEquals(List.of("500=999"), shadow500, setUp);
        } finally {
            semiSync.restore(admin);
        }
    }

    /**
     * The same hole after the checksum, where nothing repairs it: with --postpone-cutover the run
     * keeps the shadow in sync, applying with plain reads, for as long as the operator waits (hours,
     * across the routine FLUSH BINARY LOGS of log rotation and backups). A stale row applied then is
     * in no pending set at the cut-over's drain, and the swap makes the lost change final.
     *
     * <p>Interleaving: copy and checksum done, the run waits for its cut-over. The rotation as in the
     * test above; T2 = UPDATE t SET v = 999 WHERE id = 500 waits for its ack; the applier re-reads row
     * 500 before T2 commits and writes v = 500. Then the cut-over: the new t has v = 500.
     */
    @Test
    void aChangeAppliedBeforeItWasVisibleWhileWaitingForTheCutOverIsNotLostInTheSwap() throws Exception {
        String db = createTables("pr2_postponed");
        String state = "osc_st_" + db;
        Recorder rec = new Recorder();
        Migration m = new Migration(MigrationFixture.config(server, db, "t", ALTER).threads(1)
                .throttleInterval(Duration.ofMillis(20)).checkpointInterval(Duration.ofHours(1)).stateSchema(state)
                .postponeCutOver(true).build(), rec);
        started.add(m);
        CompletableFuture<MigrationResult> run = CompletableFuture.supplyAsync(m::execute);
        Recorder.await("the copy and checksum", 60, () -> rec.phase() == Phase.WAITING_FOR_CUTOVER);

        Connection admin = session(db);
        SemiSync semiSync = SemiSync.read(admin);
        try (Connection c = server.connect(db)) {
            String setUp = rotateOverAGroupThenWaitingUpdate(db, state, c, admin, "UPDATE t SET v = 999 WHERE id = 500");
            assertEquals(1, count(c, "SELECT COUNT(*) FROM t WHERE id = 500 AND v = 999"));
            Thread.sleep(1000);
            List<String> shadow500 = idAndV(c, "t_osc_new", "id = 500");

            assertEquals("cut-over starting now", m.cutOver().message());
            MigrationResult result = run.get(120, TimeUnit.SECONDS);
            assertEquals(ReadMode.CONSISTENT, result.reads());
            List<String> before = idAndV(c, "`" + result.plan().names().old() + "`", "1 = 1");
            List<String> after = idAndV(c, "t", "1 = 1");
            assertTrue(before.contains("500=999"), before.toString());
            assertTrue(before.equals(after), () -> "the swapped-in table lost T2's change (shadow row 500 before the"
                    + " cut-over: " + shadow500 + "); " + setUp + ": " + MigrationFixture.difference(before, after));
        } finally {
            semiSync.restore(admin);
        }
    }
}
