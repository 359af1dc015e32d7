package dev.osc.engine;

import dev.osc.engine.copy.ReadMode;
import dev.osc.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Review of plain (non-locking) reads on MariaDB. Deterministic interleavings, driven by
 * uncommitted inserts into the shadow table from test sessions (the copy's REPLACE waits for them
 * while its read view is already open), that leave the shadow table different from the source
 * without the checksum being told to fix it.
 *
 * <p>Tables: ids 10, 20, ..., 4000, one copy worker, ranges of exactly 100 rows: (start .. 1000],
 * (1000 .. 2000], (2000 .. 3000], (3000 .. 4000]. Both tests failed with the first version of plain
 * reads (the stale shadow row showed before the checksum ran, and {@code rangesRepaired} was 1);
 * the first now shows that such tables are read with locks, the second that the applier no longer
 * trusts a horizon in a later binlog file.
 */
class PlainReadsReviewIT extends MigrationRaceTest {

    PlainReadsReviewIT(TestServer server) {
        super(server);
    }

    /** (id, u) of every row, in id order. */
    private static List<String> idAndU(Connection c, String table) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT id, u FROM " + table + " ORDER BY id")) {
            while (rs.next()) {
                out.add(rs.getInt(1) + "=" + rs.getInt(2));
            }
        }
        return out;
    }

    /**
     * The copy writes with REPLACE (every unique key of the new table is one the source enforces),
     * on the premise that a unique-key collision can only be with a stale shadow row whose own change
     * is still on its way. With plain reads the copy itself is the stale writer: its chunk reads a
     * snapshot taken when the statement started, so a row whose unique value moved away after that
     * (and whose key therefore waits for the range) is inserted with its old value. When the row that
     * took the value lies in a range already copied, the applier has already written it with that
     * value; the chunk's REPLACE then deletes it from the shadow table. The waiting key re-applies
     * only its own row; the deleted row's change is not on its way any more, so it stays missing
     * until the checksum finds the difference and re-copies the range.
     *
     * <p>Interleaving: range 1 is copied; range 2's REPLACE ... SELECT opens its read view and waits
     * at id 1500 (an uncommitted shadow row of a test session). Then: id 1800 gives up u = 1800,
     * id 500 takes it (both committed). The applier parks 1800 (range 2 in flight) and applies 500:
     * shadow (500, u=1800). The test session rolls back; the chunk goes on and REPLACEs (1800,
     * u=1800) from its snapshot, which deletes shadow row 500. Range 3 waits at 2500 so that the
     * shadow can be looked at before the checksum.
     *
     * <p>With locking reads the chunk reads the newest committed version of 1800 (u = -1800) and
     * nothing collides. So a table the copy writes with REPLACE and that has unique keys besides its
     * primary key is read with locks, and the run says why; asked for plain reads or not, the run
     * here reads with locks and loses nothing.
     */
    @ParameterizedTest
    @EnumSource(ReadMode.class)
    void aChunksStaleSnapshotRowDoesNotReplaceARowTheApplierWroteAlready(ReadMode asked) throws Exception {
        String db = server.createDatabase("pr_replace");
        server.exec(db, "CREATE TABLE t (id INT NOT NULL PRIMARY KEY, u INT NOT NULL, v INT NOT NULL, UNIQUE KEY uu (u))");
        try (Connection c = server.connect(db)) {
            MigrationFixture.fill(c, "INSERT INTO t VALUES (?, ?, ?)", 400, i -> new Object[] {i * 10, i * 10, i});
        }
        Recorder rec = new Recorder();
        Migration m = new Migration(MigrationFixture.config(server, db, "t", ALTER).threads(1).initialChunkRows(100)
                .maxChunkRows(100).chunkTime(Duration.ofSeconds(10)).throttleInterval(Duration.ofMillis(20))
                .lockingReads(asked == ReadMode.LOCKING).stateSchema("osc_st_" + db).build(), rec);
        started.add(m);
        m.pause();
        CompletableFuture<MigrationResult> run = CompletableFuture.supplyAsync(m::execute);
        Recorder.await("the run to create its shadow table and wait, paused", 60,
                () -> rec.phase() == Phase.COPY && rec.lastThrottle().startsWith("paused"));

        // uncommitted shadow rows at 1500 (range 2) and 2500 (range 3): the copy's REPLACE waits there
        Connection at1500 = session(db);
        at1500.setAutoCommit(false);
        at1500.createStatement().execute("INSERT INTO t_osc_new (id, u, v) VALUES (1500, -1500, 0)");
        Connection at2500 = session(db);
        at2500.setAutoCommit(false);
        at2500.createStatement().execute("INSERT INTO t_osc_new (id, u, v) VALUES (2500, -2500, 0)");
        m.resume();

        try (Connection c = server.connect(db)) {
            awaitRange2WaitingAt1500(c, db);

            // the unique value 1800 moves from id 1800 (range 2, being copied) to id 500 (range 1, copied)
            c.createStatement().execute("UPDATE t SET u = -1800 WHERE id = 1800");
            c.createStatement().execute("UPDATE t SET u = 1800 WHERE id = 500");
            Recorder.await("the applier to write row 500 with u = 1800", 8,
                    () -> holds(c, "SELECT COUNT(*) FROM t_osc_new WHERE id = 500 AND u = 1800"));

            // range 2's chunk goes on (well within the sessions' 10 s lock wait, so it is not retried)
            at1500.rollback();
            Recorder.await("range 2 copied and its waiting key 1800 applied (range 3 waits at 2500)", 30,
                    () -> holds(c, "SELECT COUNT(*) FROM t_osc_new WHERE id = 1800 AND u = -1800"));
            long row500 = count(c, "SELECT COUNT(*) FROM t_osc_new WHERE id = 500");
            List<String> shadowThen = idAndU(c, "t_osc_new");
            at2500.rollback();

            MigrationResult result = run.get(120, TimeUnit.SECONDS);
            assertEquals(ReadMode.LOCKING, result.reads());
            assertEquals(asked == ReadMode.CONSISTENT, rec.notices.stream().anyMatch(n -> n.contains("LOCK IN SHARE MODE")
                    && n.contains("unique keys besides its primary key")), rec.notices.toString());
            List<String> expected = idAndU(c, "`" + result.plan().names().old() + "`");
            List<String> actual = idAndU(c, "t");
            assertTrue(expected.equals(actual), () -> MigrationFixture.difference(expected, actual));
            assertTrue(expected.contains("500=1800") && expected.contains("1800=-1800"), expected.toString());
            String then = "shadow ids 490..510 after range 2 was copied and its waiting key applied: "
                    + shadowThen.stream().filter(r -> {
                        int id = Integer.parseInt(r.substring(0, r.indexOf('=')));
                        return id >= 490 && id <= 510;
                    }).toList();
            assertEquals(0, result.rangesRepaired(), "the copy/apply lost row 500; only the checksum put it back ("
                    + then + "). Notices: " + rec.notices);
            assertEquals(1, row500, then);
        }
    }

    /**
     * CommitHorizon trusts Binlog_snapshot_position as soon as its file is a later one
     * (BinlogPosition compares file numbers). But MariaDB moves that position to the new file when
     * the binlog rotates (MYSQL_BIN_LOG::open sets last_commit_pos_file/offset under
     * LOCK_commit_ordered), and a rotation can happen while the transactions of the old file's last
     * group are written to the binlog, sent to the stream and not yet committed in InnoDB: in
     * trx_group_commit_leader, rotate() runs before the group's commit_ordered(), and so does the
     * semi-sync AFTER_SYNC wait for a replica's ack, during which a FLUSH BINARY LOGS (log rotation,
     * backup tools) rotates too. The applier then reads the row before the change it applies, and
     * nothing re-applies it.
     *
     * <p>Interleaving (deterministic with semi-sync AFTER_SYNC and no semi-sync replica: the first
     * commit waits rpl_semi_sync_master_timeout for an ack, after its binlog write and before its
     * engine commit): range 1 (ids up to 1000) is copied and range 2 waits at 1500. T = UPDATE t SET
     * v = 999 WHERE id = 500 is written to the binlog and waits; the stream hands 500 to the applier,
     * whose horizon wait polls. FLUSH BINARY LOGS: the horizon is now (next file, its header), "after"
     * T's end in the old file, so the applier re-reads row 500 with a plain read and writes v = 500.
     * T commits seconds later; shadow row 500 stays stale until the checksum re-copies it.
     */
    @Test
    void theCommitHorizonDoesNotPassAChangeThatABinlogRotationOvertook() throws Exception {
        String db = server.createDatabase("pr_rotate");
        server.exec(db, "CREATE TABLE t (id INT NOT NULL PRIMARY KEY, v INT NOT NULL)");
        try (Connection c = server.connect(db)) {
            MigrationFixture.fill(c, "INSERT INTO t VALUES (?, ?)", 400, i -> new Object[] {i * 10, i * 10});
        }
        String state = "osc_st_" + db;
        Recorder rec = new Recorder();
        Held held = startHeldAt1500(db, rec, "(id, v) VALUES (1500, 0)");
        CompletableFuture<MigrationResult> run = held.run();
        Connection at1500 = held.at1500();

        Connection admin = session(db);
        SemiSync semiSync = SemiSync.read(admin);
        try (Connection c = server.connect(db)) {
            awaitRange2WaitingAt1500(c, db);
            // osc's own state writes would be the first commit to wait for the ack (and hold LOCK_log
            // while the FLUSH needs it): hold them back for the moment
            Connection stateLock = session(db);
            stateLock.createStatement().execute("LOCK TABLES `" + state + "`.migrations READ");
            Thread.sleep(300);

            Statement a = admin.createStatement();
            a.execute("SET GLOBAL rpl_semi_sync_master_wait_point = AFTER_SYNC");
            a.execute("SET GLOBAL rpl_semi_sync_master_wait_no_slave = ON");
            a.execute("SET GLOBAL rpl_semi_sync_master_timeout = 3000");
            a.execute("SET GLOBAL rpl_semi_sync_master_enabled = ON");
            long t0 = System.nanoTime();
            CompletableFuture<Void> update = CompletableFuture.runAsync(() -> {
                try (Connection w = server.connect(db)) {
                    w.createStatement().execute("UPDATE t SET v = 999 WHERE id = 500");
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(300);
            assertTrue(!update.isDone(), "the UPDATE did not wait for a semi-sync ack; the interleaving was not set up");
            a.execute("FLUSH BINARY LOGS");
            update.get(30, TimeUnit.SECONDS);
            long waitedMs = (System.nanoTime() - t0) / 1_000_000;
            a.execute("SET GLOBAL rpl_semi_sync_master_enabled = " + semiSync.enabled());
            stateLock.createStatement().execute("UNLOCK TABLES");
            assertEquals(1, count(c, "SELECT COUNT(*) FROM t WHERE id = 500 AND v = 999"));

            // the applier has had T's key since T's binlog write; give it a moment after T's commit
            Thread.sleep(1000);
            List<String> shadow500 = idAndV(c, "t_osc_new", "id = 500");
            at1500.rollback();

            MigrationResult result = run.get(120, TimeUnit.SECONDS);
            assertEquals(ReadMode.CONSISTENT, result.reads());
            List<String> expected = idAndV(c, "`" + result.plan().names().old() + "`", "1 = 1");
            List<String> actual = idAndV(c, "t", "1 = 1");
            assertTrue(expected.equals(actual), () -> MigrationFixture.difference(expected, actual));
            assertEquals(0, result.rangesRepaired(), "the applier re-read row 500 before the UPDATE was visible (it waited"
                    + " " + waitedMs + " ms for the semi-sync ack); shadow row 500 after the UPDATE committed: " + shadow500
                    + ". Notices: " + rec.notices);
            assertEquals(List.of("500=999"), shadow500);
        } finally {
            semiSync.restore(admin);
        }
    }

}
