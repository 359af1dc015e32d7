package dev.osc.engine;

import dev.osc.testing.TestServer;
import dev.osc.engine.copy.ReadMode;
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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Review of the parallel copy and of checkpoints/resume: deterministic interleavings, driven by row
 * locks held from test sessions and by a listener that runs on the migration's main thread, that
 * leave the shadow table different from the source. The checksum repairs such differences, so
 * {@code rangesRepaired} (and the shadow table itself, looked at before the checksum) is what shows
 * the copy/apply bug.
 *
 * <p>Table: ids 10, 20, ..., 4000; ranges of exactly 100 rows, so range 1 is (start .. 1000] and
 * the next ones (1000 .. 2000], (2000 .. 3000], (3000 .. 4000]. A test session holds row 500, so
 * the worker copying range 1 waits there while the other worker copies every later range: they are
 * done out of order, the copied watermark stays at "none" and every key is in the band between
 * the two watermarks. With locking reads the session locks the source row; plain reads take no
 * locks there, so it holds the row in the shadow table, whose insert the copy then waits for.
 */
class ParallelCopyReviewIT extends MigrationRaceTest {

    ParallelCopyReviewIT(TestServer server) {
        super(server);
    }

    private String table(String prefix) throws SQLException {
        String db = server.createDatabase(prefix);
        server.exec(db, "CREATE TABLE t (id INT NOT NULL PRIMARY KEY, v INT NOT NULL)");
        try (Connection c = server.connect(db)) {
            MigrationFixture.fill(c, "INSERT INTO t VALUES (?, ?)", 400, i -> new Object[] {i * 10, i});
        }
        return db;
    }

    private MigrationConfig.Builder config(String db) {
        return MigrationFixture.config(server, db, "t", ALTER).threads(2).initialChunkRows(100).maxChunkRows(100)
                .chunkTime(Duration.ofSeconds(10)).throttleInterval(Duration.ofMillis(20)).stateSchema("osc_st_" + db);
    }

    private MigrationConfig.Builder config(String db, ReadMode reads) {
        return config(db).lockingReads(reads == ReadMode.LOCKING);
    }

    /**
     * Starts the run paused and, once it has created its shadow table, makes its copy wait at one
     * row until the returned session rolls back: with locking reads a lock on the source row (FOR
     * UPDATE), with plain reads an uncommitted insert of that row into the shadow table. Then
     * resumes the run.
     */
    private Connection stallCopyAt(String db, Migration m, Recorder rec, ReadMode reads, String where, String shadowRow)
            throws Exception {
        m.pause();
        CompletableFuture<MigrationResult> run = CompletableFuture.supplyAsync(m::execute);
        runs.add(run);
        Recorder.await("the run to create its shadow table and wait, paused", 60,
                () -> rec.phase() == Phase.COPY && rec.lastThrottle().startsWith("paused"));
        Connection c = session(db);
        c.createStatement().execute("SET time_zone = '+00:00'");
        c.setAutoCommit(false);
        if (reads == ReadMode.LOCKING) {
            c.createStatement().executeQuery("SELECT * FROM t WHERE " + where + " FOR UPDATE").close();
        } else {
            c.createStatement().execute("INSERT INTO t_osc_new " + shadowRow);
        }
        m.resume();
        return c;
    }

    /** The run started by {@link #stallCopyAt}. */
    private final List<CompletableFuture<MigrationResult>> runs = new CopyOnWriteArrayList<>();

    /** (id, v) of every row, in id order. */
    private static List<String> idAndV(Connection c, String table) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT id, v FROM " + table + " ORDER BY id")) {
            while (rs.next()) {
                out.add(rs.getInt(1) + "=" + rs.getInt(2));
            }
        }
        return out;
    }

    private static boolean shadowExists(Connection c, String db) throws SQLException {
        return MigrationFixture.tables(c, db).contains("t_osc_new");
    }

    /** Waits until every range but the first (held at row 500) is copied and committed. */
    private void awaitLaterRangesCopied(Connection c, String db) throws Exception {
        Recorder.await("ranges 2.. copied while range 1 waits for row 500", 60,
                () -> {
                    try {
                        return shadowExists(c, db) && count(c, "SELECT COUNT(*) FROM t_osc_new WHERE id > 1000") == 300;
                    } catch (SQLException e) {
                        return false;
                    }
                });
    }

    private Migration track(Migration m) {
        started.add(m);
        return m;
    }

    /**
     * ChangeApplier.between() reads the source with a plain (non-locking) SELECT. A transaction
     * that is in the binlog but not yet committed in InnoDB is invisible to it, so a key that the
     * transaction INSERTS into a range already copied (done out of order, or the part of an
     * in-flight range the copy has already scanned) is dropped: its shadow row never existed, the
     * copy has passed it, and nothing re-applies it. For ordinary transactions the window is the
     * moment between the binlog write and the InnoDB commit; an XA transaction (written to the
     * binlog at XA PREPARE on MariaDB 10.5+ and MySQL 5.7+) holds it open as long as it likes,
     * which makes the interleaving deterministic here.
     */
    @ParameterizedTest
    @EnumSource(ReadMode.class)
    void aRowInsertedIntoARangeCopiedOutOfOrderIsNotLost(ReadMode reads) throws Exception {
        String db = table("rv_between");
        Recorder rec = new Recorder();
        Migration m = track(new Migration(config(db, reads).build(), rec));
        Connection row500 = stallCopyAt(db, m, rec, reads, "id = 500", "(id, v) VALUES (500, 0)");
        CompletableFuture<MigrationResult> run = runs.get(0);
        try (Connection c = server.connect(db)) {
            awaitLaterRangesCopied(c, db);

            // an insert into the copied range (1500 .. 1600], binlogged but not committed yet
            Connection xa = session(db);
            Statement x = xa.createStatement();
            x.execute("XA START 'rv1'");
            x.execute("INSERT INTO t VALUES (1555, 7)");
            x.execute("XA END 'rv1'");
            x.execute("XA PREPARE 'rv1'");
            // locking reads: the applier takes 1555 from the stream now and its read waits for the
            // commit; plain reads: the stream holds the key until the XA COMMIT, then the applier
            // waits for the transaction's row locks before it reads
            Thread.sleep(1500);
            x.execute("XA COMMIT 'rv1'");
            assertEquals(1, count(c, "SELECT COUNT(*) FROM t WHERE id = 1555"));
            row500.rollback();

            MigrationResult result = run.get(120, TimeUnit.SECONDS);
            assertEquals(reads, result.reads());
            List<String> expected = idAndV(c, "`" + result.plan().names().old() + "`");
            List<String> actual = idAndV(c, "t");
            assertTrue(expected.equals(actual), () -> MigrationFixture.difference(expected, actual));
            assertEquals(0, result.rangesRepaired(), "the copy/apply lost row 1555; only the checksum put it back. "
                    + rec.notices);
        }
    }

    /**
     * An XA transaction is in the binlog from its XA PREPARE on, but invisible until its XA COMMIT,
     * which the engine makes visible only after the binlog write. Its changes to rows the copy has
     * passed must be applied after the commit, and no swap may happen while it is prepared (its
     * rows would change in the old table after the swap).
     */
    @ParameterizedTest
    @EnumSource(ReadMode.class)
    void anXaTransactionPreparedAfterTheCopyIsAppliedOnceCommitted(ReadMode reads) throws Exception {
        String db = table("rv_xa");
        Recorder rec = new Recorder();
        Migration m = track(new Migration(config(db, reads).postponeCutOver(true).build(), rec));
        CompletableFuture<MigrationResult> run = CompletableFuture.supplyAsync(m::execute);
        Recorder.await("the copy and checksum", 60, () -> rec.phase() == Phase.WAITING_FOR_CUTOVER);
        try (Connection c = server.connect(db)) {
            Statement x = session(db).createStatement();
            x.execute("XA START 'rvxa'");
            x.execute("INSERT INTO t VALUES (1555, 7)");
            x.execute("UPDATE t SET v = 99 WHERE id = 2000");
            x.execute("DELETE FROM t WHERE id = 3000");
            x.execute("XA END 'rvxa'");
            x.execute("XA PREPARE 'rvxa'");
            assertEquals("cut-over starting now", m.cutOver().message());
            Thread.sleep(1500);
            assertTrue(rec.phase() != Phase.DONE, "swapped while an XA transaction on the table was prepared");
            x.execute("XA COMMIT 'rvxa'");

            MigrationResult result = run.get(120, TimeUnit.SECONDS);
            assertEquals(reads, result.reads());
            List<String> expected = idAndV(c, "`" + result.plan().names().old() + "`");
            List<String> actual = idAndV(c, "t");
            assertTrue(expected.contains("1555=7") && expected.contains("2000=99"), expected.toString());
            assertTrue(expected.equals(actual), () -> MigrationFixture.difference(expected, actual));
        }
    }

    /**
     * Keys that wait for a range copied out of order must all be applied before a checkpoint that
     * the copied watermark passed them: a checkpoint written with those keys unapplied claims rows
     * it does not have (gh-ost #1684 in another form), and a run resumed from it never re-applies
     * them. (It once did: maybeCheckpoint applied {@code Math.max(1, changes.size())} keys, counted
     * before applyPending moved the waiting keys that became due into the change set.)
     *
     * <p>The listener's progress callback runs on the main thread between applyPending and
     * maybeCheckpoint; there the test lets range 1 finish (copied jumps to ALL), then freezes the
     * run at its next progress report, right after the checkpoint, as a crash would.
     */
    @ParameterizedTest
    @EnumSource(ReadMode.class)
    void aCheckpointHoldsEveryKeyThatWaitedForARangeCopiedOutOfOrder(ReadMode reads) throws Exception {
        String db = table("rv_checkpoint");
        java.util.concurrent.atomic.AtomicReference<Connection> row500 = new java.util.concurrent.atomic.AtomicReference<>();
        AtomicInteger stage = new AtomicInteger();   // 0 idle, 1 armed, 2 range 1 released, 3 frozen
        CountDownLatch frozen = new CountDownLatch(1);
        CountDownLatch thaw = new CountDownLatch(1);
        Recorder rec = new Recorder();
        MigrationListener hook = new MigrationListener() {
            @Override
            public void progress(Progress p) {
                try {
                    if (stage.compareAndSet(1, 2)) {
                        int chunks = rec.chunks.size();
                        row500.get().rollback();
                        Recorder.await("range 1 to finish", 30, () -> rec.chunks.size() > chunks);
                    } else if (stage.get() == 2 && p.phase() == Phase.COPY && stage.compareAndSet(2, 3)) {
                        frozen.countDown();
                        thaw.await();
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        };
        Migration first = track(new Migration(config(db, reads).checkpointInterval(Duration.ofMillis(1)).build(),
                MigrationListener.all(rec, hook)));
        row500.set(stallCopyAt(db, first, rec, reads, "id = 500", "(id, v) VALUES (500, 0)"));
        try (Connection c = server.connect(db)) {
            awaitLaterRangesCopied(c, db);
            // three changes in ranges done out of order: the applier takes them and they wait
            int batches = rec.applyBatches.get();
            c.createStatement().execute("UPDATE t SET v = v + 100 WHERE id IN (1550, 2550, 3550)");
            Recorder.await("the applier to take the changes", 30, () -> rec.applyBatches.get() > batches);
            stage.set(1);
            assertTrue(frozen.await(60, TimeUnit.SECONDS), "the run did not reach the frozen point");

            // as a crash right after the checkpoint would leave it
            String state = "osc_st_" + db;
            String checkpoint;
            try (ResultSet rs = c.createStatement().executeQuery("SELECT checkpoint FROM `" + state
                    + "`.migrations ORDER BY id DESC LIMIT 1")) {
                rs.next();
                checkpoint = rs.getString(1);
            }
            assertTrue(checkpoint.contains("\"copyDone\":true"), checkpoint);
            List<String> source = idAndV(c, "t");
            List<String> shadow = idAndV(c, "t_osc_new");

            // resume from that checkpoint as the next run would: the frozen run's lock goes with its
            // session, and its record stops being refreshed, as a dead process's would
            first.stopRefreshingRecordForTest();
            long holder = count(c, "SELECT IS_USED_LOCK('" + Migration.lockName(db, "t") + "')");
            c.createStatement().execute("KILL " + holder);
            Recorder rec2 = new Recorder();
            Migration second = track(new Migration(config(db, reads).build(), rec2));
            MigrationResult result = second.execute();
            assertTrue(rec2.notices.stream().anyMatch(n -> n.startsWith("resuming migration")), rec2.notices.toString());
            first.cancel();
            thaw.countDown();

            String atCheckpoint = source.equals(shadow) ? "" : "the checkpoint says copy done and every change before"
                    + " its position applied, but the shadow table then: " + MigrationFixture.difference(source, shadow);
            assertEquals(0, result.rangesRepaired(), "the resumed run had to repair what the checkpoint promised; "
                    + atCheckpoint + "; notices: " + rec2.notices);
            assertTrue(atCheckpoint.isEmpty(), atCheckpoint);
        } finally {
            first.cancel();
            thaw.countDown();
        }
    }

    /**
     * A run holds the table's GET_LOCK on its main session, but never checks it again: when that
     * session goes (a DBA's or pt-kill's KILL of an idle connection, a proxy's idle timeout; the
     * main session is idle for the whole copy), the run goes on without the lock. The next run
     * gets the lock, takes the live run's RUNNING record for a crashed run (ResumeCheck does not
     * look at the record's heartbeat) and here, because it carries another ALTER, drops the live
     * run's shadow table and creates its own under the same name. The first run then swaps that
     * new, still empty table in: every row of the table is gone.
     */
    @Test
    void aRunThatLostItsLockIsNotTakenForDead() throws Exception {
        String db = table("rv_lock");
        Recorder rec1 = new Recorder();
        Migration first = track(new Migration(config(db).postponeCutOver(true).build(), rec1));
        CompletableFuture<MigrationResult> firstRun = CompletableFuture.supplyAsync(first::execute);
        Recorder.await("the first run to wait for its cut-over", 60, () -> rec1.phase() == Phase.WAITING_FOR_CUTOVER);
        Thread.sleep(3000);   // its state row shows the phase
        try (Connection c = server.connect(db)) {
            long holder = count(c, "SELECT IS_USED_LOCK('" + Migration.lockName(db, "t") + "')");
            c.createStatement().execute("KILL " + holder);

            Recorder rec2 = new Recorder();
            Migration second = track(new Migration(MigrationFixture.config(server, db, "t", ALTER + ", ADD KEY kv (v)")
                    .stateSchema("osc_st_" + db).build(), rec2));
            second.pause();
            CompletableFuture<MigrationResult> secondRun = CompletableFuture.supplyAsync(second::execute);
            // the first run notices within seconds that it lost its lock, stops, and leaves its
            // shadow table alone; it never swaps
            java.util.concurrent.ExecutionException lost = org.junit.jupiter.api.Assertions.assertThrows(
                    java.util.concurrent.ExecutionException.class, () -> firstRun.get(60, TimeUnit.SECONDS));
            assertTrue(lost.getCause().getMessage().contains("lost the lock"), lost.getCause().getMessage());
            boolean swapped = false;
            Recorder.await("the second run to start copying", 60, () -> rec2.phase() == Phase.COPY);
            assertEquals(0, count(c, "SELECT COUNT(*) FROM t_osc_new"));
            second.cancel();
            try {
                secondRun.get(60, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException expected) {
                // cancelled
            }
            assertEquals(400, count(c, "SELECT COUNT(*) FROM t"), "rows of t after the first run "
                    + (swapped ? "swapped" : "failed") + "; notices of the second run: " + rec2.notices);
        }
    }

    /**
     * resumeFromCheckpoint deletes the shadow rows above the checkpoint's key on the main
     * connection, which does not use the UTC session the run uses for a table keyed by a TIMESTAMP
     * (the key was read, and the copy goes on, in UTC). With a server time zone east of UTC the
     * DELETE removes rows up to that many hours below the checkpoint too; the resumed copy starts
     * above the checkpoint and never copies them again.
     */
    @ParameterizedTest
    @EnumSource(ReadMode.class)
    void aResumeOfATimestampKeyedTableDeletesOnlyRowsAboveTheCheckpoint(ReadMode reads) throws Exception {
        String db = server.createDatabase("rv_tsresume");
        String zone;
        try (Connection c = server.connect(db)) {
            try (ResultSet rs = c.createStatement().executeQuery("SELECT @@GLOBAL.time_zone")) {
                rs.next();
                zone = rs.getString(1);
            }
        }
        server.exec(db, "SET GLOBAL time_zone = '+05:00'");
        Migration first = null;
        CountDownLatch thaw = new CountDownLatch(1);
        try {
            server.exec(db, "CREATE TABLE t (ts TIMESTAMP NOT NULL PRIMARY KEY, v INT NOT NULL)");
            try (Connection c = server.connect(db)) {
                c.createStatement().execute("SET time_zone = '+00:00'");
                MigrationFixture.fill(c, "INSERT INTO t VALUES (?, ?)", 2000, i -> new Object[] {
                        java.time.LocalDateTime.of(2021, 6, 1, 0, 0).plusMinutes(i).toString().replace('T', ' '), i});
            }
            String at1050 = "'" + java.time.LocalDateTime.of(2021, 6, 1, 0, 0).plusMinutes(1050).toString().replace('T', ' ')
                    + ":00'";
            AtomicInteger stage = new AtomicInteger();
            CountDownLatch frozen = new CountDownLatch(1);
            Recorder rec = new Recorder();
            MigrationListener hook = new MigrationListener() {
                @Override
                public void progress(Progress p) {
                    if (stage.compareAndSet(1, 2)) {
                        frozen.countDown();
                        try {
                            thaw.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                }
            };
            first = track(new Migration(config(db, reads).threads(1).checkpointInterval(Duration.ofMillis(1)).build(),
                    MigrationListener.all(rec, hook)));
            Connection row1050 = stallCopyAt(db, first, rec, reads, "ts = " + at1050, "(ts, v) VALUES (" + at1050 + ", 0)");
            String state = "osc_st_" + db;
            try (Connection c = server.connect(db)) {
                Recorder.await("a checkpoint at row 1000 (the copy waits at row 1050)", 60, () -> {
                    try (ResultSet rs = c.createStatement().executeQuery("SELECT checkpoint FROM `" + state
                            + "`.migrations ORDER BY id DESC LIMIT 1")) {
                        return rs.next() && rs.getString(1) != null && rs.getString(1).contains("\"rowsCopied\":1000");
                    } catch (SQLException e) {
                        return false;
                    }
                });
                stage.set(1);
                assertTrue(frozen.await(30, TimeUnit.SECONDS));
                // as a crash would leave it: the copy stops, the lock goes with the session
                first.pause();
                first.stopRefreshingRecordForTest();
                row1050.rollback();
                Thread.sleep(1000);
                long holder = count(c, "SELECT IS_USED_LOCK('" + Migration.lockName(db, "t") + "')");
                c.createStatement().execute("KILL " + holder);

                Recorder rec2 = new Recorder();
                MigrationResult result = track(new Migration(config(db, reads).threads(1).build(), rec2)).execute();
                assertTrue(rec2.notices.stream().anyMatch(n -> n.startsWith("resuming migration")), rec2.notices.toString());
                assertEquals(0, result.rangesRepaired(), "the resume deleted rows below its checkpoint: " + rec2.notices);
            }
        } finally {
            if (first != null) {
                first.cancel();
            }
            thaw.countDown();
            server.exec(db, "SET GLOBAL time_zone = '" + zone + "'");
        }
    }
}
