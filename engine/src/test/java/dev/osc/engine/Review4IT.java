package dev.osc.engine;

import dev.osc.engine.revert.Revert;
import dev.osc.engine.revert.RevertFixture;
import dev.osc.engine.revert.RevertListener;
import dev.osc.engine.revert.RevertResult;
import dev.osc.engine.revert.RevertStep;
import dev.osc.testing.TestServer;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fourth review: the checksum, the cut-over (a statement logged as text between the last catch-up
 * and the lock, lock-wait retries, AUTO_INCREMENT), the revert, and composite non-integer keys under
 * the parallel writer.
 *
 * <p>Checksum tests use the set-up of PlainReadsReview3IT: ids 10, 20, ..., 4000, one copy worker,
 * ranges of exactly 100 rows; range 2's chunk is held at id 1500 by an uncommitted shadow row, so
 * that range 1 (ids up to 1000) is in the shadow table and can be made to differ before the
 * checksum. The difference is made by a change the stream cannot see ({@code sql_log_bin = 0} on the
 * source): a stand-in for any bug of the copy or the applier, which is what the checksum is there to
 * catch.
 *
 * <p>Failed before their fixes: the three checksum tests (the range sums were XORs of CRCs, which
 * are linear over XOR, and CONCAT_WS did not tell text moved across its separator), and the two
 * TRUNCATE tests (from the cut-over on, the stream ignored every statement naming the table, not
 * just osc's own RENAME). The others passed from the start.
 */
class Review4IT extends MigrationRaceTest {

    Review4IT(TestServer server) {
        super(server);
    }

    /** Runs {@code sql} on the source in a session that does not write the binlog: osc never hears of it. */
    private void unlogged(String db, String... sql) throws SQLException {
        try (Connection c = server.connect(db); Statement s = c.createStatement()) {
            s.execute("SET SESSION sql_log_bin = 0");
            for (String q : sql) {
                s.execute(q);
            }
        }
    }

    /** Every row of a table, each column in hex, without the column the ALTER added at the end. */
    private static List<String> rowsWithoutNote(Connection c, String db, String table) throws SQLException {
        return MigrationFixture.rows(c, db, table).stream().map(r -> r.substring(0, r.lastIndexOf('|'))).toList();
    }

    /** Holds range 2, changes range 1 behind osc's back, lets the run finish; returns old and new table rows. */
    private List<List<String>> swapAfterUnloggedChange(String db, String shadowRowAt1500, int[] repaired,
                                                       String... change) throws Exception {
        Recorder rec = new Recorder();
        Held held = runHeldInRange2(db, rec, shadowRowAt1500);
        Connection at1500 = held.at1500();
        unlogged(db, change);
        at1500.rollback();
        MigrationResult result = held.run().get(120, TimeUnit.SECONDS);
        repaired[0] = result.rangesRepaired();
        try (Connection c = server.connect(db)) {
            List<String> old = MigrationFixture.rows(c, db, result.plan().names().old());
            List<String> now = rowsWithoutNote(c, db, "t");
            return List.of(old, now);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // 5. The checksum
    // ---------------------------------------------------------------------------------------------

    /**
     * Control: one row of range 1 changed behind osc's back is found by the checksum, re-copied, and
     * the swap keeps the change. Passes: the checksum does what it is for.
     */
    @Test
    void theChecksumRepairsOneChangeTheStreamMissed() throws Exception {
        String db = createTable("r4_ck_one");
        int[] repaired = new int[1];
        List<List<String>> tables = swapAfterUnloggedChange(db, "(id, v) VALUES (1500, 0)", repaired,
                "UPDATE t SET v = v + 2 WHERE id = 500");
        assertTrue(repaired[0] >= 1, "the checksum found no difference");
        assertTrue(tables.get(0).equals(tables.get(1)), () -> MigrationFixture.difference(tables.get(0), tables.get(1)));
    }

    /**
     * Two rows of the same length that differ from their shadow rows by the same bits at the same
     * place (here v + 2 on ids 500 and 600: "500#500" -> "500#502", "600#600" -> "600#602") cancel in
     * the checksum: CRC32 and CRC32C are both affine over GF(2) for messages of one length, so
     * BIT_XOR over a range of CRC(row) is a function of the XOR of the rows' bytes, and so is the
     * other sum: the differences went unnoticed with certainty, and the tables were swapped while they
     * differed. The sums are integer sums now.
     */
    @Test
    void theChecksumCatchesTwoRowsThatDifferByTheSameBits() throws Exception {
        String db = createTable("r4_ck_two");
        int[] repaired = new int[1];
        List<List<String>> tables = swapAfterUnloggedChange(db, "(id, v) VALUES (1500, 0)", repaired,
                "UPDATE t SET v = v + 2 WHERE id IN (500, 600)");
        assertTrue(tables.get(0).equals(tables.get(1)), () -> "swapped in a table that differs (ranges repaired: "
                + repaired[0] + "): " + MigrationFixture.difference(tables.get(0), tables.get(1)));
    }

    /**
     * Values swapped between two rows (v of ids 500 and 600 exchanged: a unique value that moved,
     * applied to the wrong rows) leave the XOR of the rows' bytes as it was: the checksum sees no
     * difference (with XORs; the sums are integer sums now).
     */
    @Test
    void theChecksumCatchesValuesSwappedBetweenTwoRows() throws Exception {
        String db = createTable("r4_ck_swap");
        int[] repaired = new int[1];
        List<List<String>> tables = swapAfterUnloggedChange(db, "(id, v) VALUES (1500, 0)", repaired,
                "UPDATE t SET v = CASE id WHEN 500 THEN 600 ELSE 500 END WHERE id IN (500, 600)");
        assertTrue(tables.get(0).equals(tables.get(1)), () -> "swapped in a table that differs (ranges repaired: "
                + repaired[0] + "): " + MigrationFixture.difference(tables.get(0), tables.get(1)));
    }

    /**
     * CONCAT_WS('#', ...) does not escape its separator: ('x#', 'y') and ('x', '#y') were the same
     * row to the checksum. Each text value now goes in after its length.
     */
    @Test
    void theChecksumCatchesTextShiftedAcrossTheSeparator() throws Exception {
        String db = server.createDatabase("r4_ck_sep");
        server.exec(db, "CREATE TABLE t (id INT NOT NULL PRIMARY KEY, a VARCHAR(10) NOT NULL, b VARCHAR(10) NOT NULL)");
        try (Connection c = server.connect(db)) {
            MigrationFixture.fill(c, "INSERT INTO t VALUES (?, ?, ?)", 400,
                    i -> new Object[] {i * 10, i == 50 ? "x#" : "a" + i, i == 50 ? "y" : "b" + i});
        }
        int[] repaired = new int[1];
        List<List<String>> tables = swapAfterUnloggedChange(db, "(id, a, b) VALUES (1500, '', '')", repaired,
                "UPDATE t SET a = 'x', b = '#y' WHERE id = 500");
        assertTrue(tables.get(0).equals(tables.get(1)), () -> "swapped in a table that differs (ranges repaired: "
                + repaired[0] + "): " + MigrationFixture.difference(tables.get(0), tables.get(1)));
    }

    // ---------------------------------------------------------------------------------------------
    // 1. Cut-over
    // ---------------------------------------------------------------------------------------------

    private Migration postponed(String db, Recorder rec, Duration backoff) {
        Migration m = new Migration(MigrationFixture.config(server, db, "t", ALTER).threads(1)
                .throttleInterval(Duration.ofMillis(20)).checkpointInterval(Duration.ofHours(1))
                .stateSchema("osc_st_" + db).postponeCutOver(true).cutOverLockWait(Duration.ofSeconds(1))
                .cutOverAttempts(10).cutOverBackoff(backoff).build(), rec);
        started.add(m);
        return m;
    }

    /**
     * A TRUNCATE TABLE of the source between two cut-over attempts (attempt 1 timed out on a reader's
     * metadata lock) stops the run. The cut-over used to stop the stream from failing on any
     * statement naming the table, so that osc's own RENAME passed, across every retry: the TRUNCATE
     * was ignored (the definition is unchanged, so requireUnchangedSource passed) and the swap
     * brought back every row the application truncated. Now only osc's own RENAME passes.
     */
    @Test
    void aTruncateBetweenCutOverAttemptsIsNotUndoneByTheSwap() throws Exception {
        String db = createTable("r4_cut_trunc");
        Recorder rec = new Recorder();
        Migration m = postponed(db, rec, Duration.ofSeconds(3));
        CompletableFuture<MigrationResult> run = CompletableFuture.supplyAsync(m::execute);
        Recorder.await("the copy and checksum", 60, () -> rec.phase() == Phase.WAITING_FOR_CUTOVER);
        Connection reader = session(db);
        reader.setAutoCommit(false);
        reader.createStatement().executeQuery("SELECT COUNT(*) FROM t").close();   // holds a metadata lock
        assertEquals("cut-over starting now", m.cutOver().message());
        Recorder.await("cut-over attempt 1 to time out", 30,
                () -> rec.notices.stream().anyMatch(n -> n.startsWith("cut-over attempt 1 ")));
        reader.commit();
        try (Connection c = server.connect(db)) {
            c.createStatement().execute("TRUNCATE TABLE t");
            MigrationResult result;
            try {
                result = run.get(120, TimeUnit.SECONDS);
            } catch (ExecutionException stopped) {
                // stopping is a safe answer: the table must be as the application left it
                assertEquals(0, count(c, "SELECT COUNT(*) FROM t"), stopped.getCause().getMessage());
                assertTrue(stopped.getCause().getMessage().contains("TRUNCATE"), stopped.getCause().getMessage());
                return;
            }
            List<String> old = idAndV(c, "`" + result.plan().names().old() + "`", "1 = 1");
            List<String> now = idAndV(c, "t", "1 = 1");
            assertEquals(List.of(), old, "the old table should hold what the TRUNCATE left: nothing");
            assertTrue(old.equals(now), () -> "the swap undid the TRUNCATE: " + MigrationFixture.difference(old, now)
                    + "; notices " + rec.notices);
        }
    }

    /**
     * AUTO_INCREMENT across a cut-over that needs a retry, with an application inserting all along:
     * ids used and deleted before the swap are not handed out again, and every row inserted before
     * the swap is in the new table.
     */
    @Test
    void autoIncrementIdsAreNotReusedAcrossARetriedCutOver() throws Exception {
        String db = server.createDatabase("r4_cut_ai");
        server.exec(db, "CREATE TABLE t (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, v INT NOT NULL)");
        try (Connection c = server.connect(db)) {
            MigrationFixture.fill(c, "INSERT INTO t (v) VALUES (?)", 400, i -> new Object[] {i});
        }
        Recorder rec = new Recorder();
        Migration m = postponed(db, rec, Duration.ofMillis(500));
        CompletableFuture<MigrationResult> run = CompletableFuture.supplyAsync(m::execute);
        Recorder.await("the copy and checksum", 60, () -> rec.phase() == Phase.WAITING_FOR_CUTOVER);
        server.exec(db, "INSERT INTO t (v) VALUES (-1), (-1), (-1), (-1), (-1)", "DELETE FROM t WHERE v = -1");
        long deletedUpTo = RevertFixture.autoIncrement(server, db, "t") - 1;
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong inserted = new AtomicLong();
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try (Connection w = server.connect(db); Statement s = w.createStatement()) {
                while (!stop.get()) {
                    s.execute("INSERT INTO t (v) VALUES (-2)");
                    inserted.incrementAndGet();
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        Connection reader = session(db);
        reader.setAutoCommit(false);
        reader.createStatement().executeQuery("SELECT COUNT(*) FROM t").close();
        assertEquals("cut-over starting now", m.cutOver().message());
        Recorder.await("cut-over attempt 1 to time out", 30,
                () -> rec.notices.stream().anyMatch(n -> n.startsWith("cut-over attempt 1 ")));
        reader.commit();
        MigrationResult result = run.get(120, TimeUnit.SECONDS);
        Thread.sleep(300);
        stop.set(true);
        writer.get(30, TimeUnit.SECONDS);
        try (Connection c = server.connect(db)) {
            List<String> old = idAndV(c, "`" + result.plan().names().old() + "`", "1 = 1");
            List<String> now = idAndV(c, "t", "1 = 1");
            assertTrue(now.containsAll(old), () -> "rows of the old table missing from the new one: "
                    + MigrationFixture.difference(old, now));
            long reused = count(c, "SELECT COUNT(*) FROM t WHERE id BETWEEN 401 AND " + deletedUpTo);
            assertEquals(0, reused, "ids used and deleted before the swap were handed out again");
            long maxOld = count(c, "SELECT COALESCE(MAX(id), 0) FROM `" + result.plan().names().old() + "`");
            long clash = count(c, "SELECT COUNT(*) FROM t n JOIN `" + result.plan().names().old() + "` o USING (id)"
                    + " WHERE n.v <> o.v");
            assertEquals(0, clash, "an id of the old table was given to another row");
            assertTrue(count(c, "SELECT COUNT(*) FROM t WHERE id > " + maxOld) > 0 || inserted.get() == 0,
                    "no row inserted after the swap");
            assertTrue(inserted.get() > 0, "the writer inserted nothing");
        }
    }

    // ---------------------------------------------------------------------------------------------
    // 2. Resume after a crash
    // ---------------------------------------------------------------------------------------------

    /**
     * A run checkpoints with ranges 1 and 2 copied (range 3 held at id 2500), is paused (no more
     * checkpoints), copies range 3 after the checkpoint, and then the application changes rows in
     * the copied ranges, in range 3 and across them (key moves both ways, a delete and a re-insert).
     * The run then dies (its session and lock killed, its record no longer refreshed). The next run
     * resumes from the checkpoint while a writer goes on; the swap must keep every change, without
     * the checksum's help.
     */
    @Test
    void aResumedRunKeepsChangesMadeBetweenItsLastCheckpointAndTheCrash() throws Exception {
        String db = createTable("r4_resume");
        Recorder rec = new Recorder();
        Migration first = new Migration(MigrationFixture.config(server, db, "t", ALTER).threads(1).initialChunkRows(100)
                .maxChunkRows(100).chunkTime(Duration.ofSeconds(10)).throttleInterval(Duration.ofMillis(20))
                .checkpointInterval(Duration.ofMillis(1)).stateSchema("osc_st_" + db).build(), rec);
        started.add(first);
        first.pause();
        CompletableFuture<MigrationResult> run1 = CompletableFuture.supplyAsync(first::execute);
        Recorder.await("the run to create its shadow table and wait, paused", 60,
                () -> rec.phase() == Phase.COPY && rec.lastThrottle().startsWith("paused"));
        Connection at2500 = session(db);
        at2500.setAutoCommit(false);
        at2500.createStatement().execute("INSERT INTO t_osc_new (id, v) VALUES (2500, 0)");
        first.resume();
        try (Connection c = server.connect(db)) {
            Recorder.await("a checkpoint with ranges 1 and 2 copied", 60, () -> {
                try (Statement st = c.createStatement(); java.sql.ResultSet rs = st.executeQuery("SELECT checkpoint FROM `osc_st_"
                        + db + "`.migrations ORDER BY id DESC LIMIT 1")) {
                    return rs.next() && rs.getString(1) != null && rs.getString(1).contains("\"rowsCopied\":200");
                } catch (SQLException e) {
                    return false;
                }
            });
            first.pause();
            Recorder.await("the run to hold back", 30, () -> rec.lastThrottle().startsWith("paused"));
            at2500.rollback();
            Recorder.await("range 3 copied after the checkpoint", 30,
                    () -> holds(c, "SELECT COUNT(*) >= 100 FROM t_osc_new WHERE id > 2000"));
            server.exec(db, "UPDATE t SET v = -1 WHERE id = 500",
                    "UPDATE t SET id = 1505 WHERE id = 1500",
                    "UPDATE t SET id = 2605 WHERE id = 600",
                    "UPDATE t SET id = 705 WHERE id = 2700",
                    "DELETE FROM t WHERE id = 800",
                    "INSERT INTO t VALUES (805, 805)",
                    "UPDATE t SET v = -2 WHERE id = 2600",
                    "DELETE FROM t WHERE id = 2800",
                    "INSERT INTO t VALUES (3995, 1)");
            Thread.sleep(300);
            // as a crash would leave it: the lock goes with the session, the record is not refreshed
            first.stopRefreshingRecordForTest();
            long holder = count(c, "SELECT IS_USED_LOCK('" + Migration.lockName(db, "t") + "')");
            c.createStatement().execute("KILL " + holder);
            try {
                run1.get(30, TimeUnit.SECONDS);
            } catch (ExecutionException expected) {
                // the run noticed it lost its lock and stopped, leaving its shadow table
            }
            assertTrue(MigrationFixture.tables(c, db).contains("t_osc_new"), "the dead run dropped its shadow table");

            Recorder rec2 = new Recorder();
            Migration second = new Migration(MigrationFixture.config(server, db, "t", ALTER).threads(1)
                    .throttleInterval(Duration.ofMillis(20)).checkpointInterval(Duration.ofMillis(200))
                    .stateSchema("osc_st_" + db).build(), rec2);
            started.add(second);
            AtomicBoolean stop = new AtomicBoolean();
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                Random r = new Random(3);
                try (Connection w = server.connect(db); Statement s = w.createStatement()) {
                    while (!stop.get()) {
                        int id = 10 * (1 + r.nextInt(400));
                        switch (r.nextInt(3)) {
                            case 0 -> s.execute("UPDATE t SET v = v + 1 WHERE id = " + id);
                            case 1 -> s.execute("UPDATE IGNORE t SET id = id + 3 WHERE id = " + id);
                            default -> s.execute("INSERT IGNORE INTO t VALUES (" + (id + 1) + ", 1)");
                        }
                    }
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            CompletableFuture<MigrationResult> run2 = CompletableFuture.supplyAsync(second::execute);
            try {
                Recorder.await("the resumed run's checksum", 120, () -> rec2.phases.contains(Phase.CHECKSUM) || run2.isDone());
            } finally {
                stop.set(true);
            }
            writer.get(30, TimeUnit.SECONDS);
            MigrationResult result = run2.get(120, TimeUnit.SECONDS);
            assertTrue(rec2.notices.stream().anyMatch(n -> n.startsWith("resuming migration")), rec2.notices.toString());
            List<String> old = idAndV(c, "`" + result.plan().names().old() + "`", "1 = 1");
            List<String> now = idAndV(c, "t", "1 = 1");
            assertTrue(old.contains("1505=1500") && old.contains("705=2700") && !old.contains("800=800"), old.toString());
            assertTrue(old.equals(now), () -> MigrationFixture.difference(old, now));
            assertEquals(0, result.rangesRepaired(), "the resumed run needed the checksum's repair: " + rec2.notices);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // 3. Revert
    // ---------------------------------------------------------------------------------------------

    /**
     * The same in a revert: a TRUNCATE TABLE of the table between a timed-out cut-over attempt and the
     * next one used to be ignored (the revert ignored statements on the table from its cut-over on),
     * and the swap brought the truncated rows back. Now it stops the revert.
     */
    @Test
    void aTruncateDuringTheRevertsCutOverIsNotUndone() throws Exception {
        String db = createTable("r4_rev_trunc");
        RevertFixture.migrate(server, MigrationFixture.config(server, db, "t", ALTER).build(), MigrationListener.NONE);
        Connection reader = session(db);
        reader.setAutoCommit(false);
        List<String> notices = new CopyOnWriteArrayList<>();
        RevertListener listener = new RevertListener() {
            @Override
            public void step(RevertStep step, String detail) {
                if (step == RevertStep.CUT_OVER) {
                    try {
                        reader.createStatement().executeQuery("SELECT COUNT(*) FROM t").close();
                    } catch (SQLException e) {
                        throw new IllegalStateException(e);
                    }
                }
            }

            @Override
            public void notice(String message) {
                notices.add(message);
            }
        };
        CompletableFuture<RevertResult> revert = CompletableFuture.supplyAsync(() -> new Revert(
                RevertFixture.config(server, db, "t").withLockWait(Duration.ofSeconds(1))
                        .withCutOverAttempts(10, Duration.ofSeconds(3)), listener).execute());
        Recorder.await("the revert's cut-over attempt 1 to time out", 60,
                () -> notices.stream().anyMatch(n -> n.startsWith("cut-over attempt 1 ")) || revert.isDone());
        reader.commit();
        try (Connection c = server.connect(db)) {
            c.createStatement().execute("TRUNCATE TABLE t");
            try {
                revert.get(120, TimeUnit.SECONDS);
            } catch (ExecutionException stopped) {
                assertEquals(0, count(c, "SELECT COUNT(*) FROM t"), stopped.getCause().getMessage());
                assertTrue(stopped.getCause().getMessage().contains("TRUNCATE"), stopped.getCause().getMessage());
                return;
            }
            assertEquals(0, count(c, "SELECT COUNT(*) FROM t"),
                    "the revert's swap brought back rows the application truncated; notices " + notices);
        }
    }

    /**
     * After the swap: primary-key updates (a chain where a key is reused by another row, moves to
     * new keys), deletes, a delete and re-insert of the same key, inserts and updates, all mirrored
     * on a control table of the old schema; writes also while the revert runs. The revert gives the
     * control's rows.
     */
    @Test
    void theRevertCarriesBackKeyMovesDeletesAndReinserts() throws Exception {
        String db = createTable("r4_rev_moves");
        server.exec(db, "CREATE TABLE control LIKE t", "INSERT INTO control SELECT * FROM t");
        RevertFixture.migrate(server, MigrationFixture.config(server, db, "t", ALTER).build(), MigrationListener.NONE);
        String[] dml = {
            "UPDATE %s SET id = 5 WHERE id = 10",          // to a free key
            "UPDATE %s SET id = 10 WHERE id = 20",         // into the key just freed
            "UPDATE %s SET id = id + 5000 WHERE id BETWEEN 100 AND 200",
            "DELETE FROM %s WHERE id BETWEEN 300 AND 350",
            "DELETE FROM %s WHERE id = 400",
            "INSERT INTO %s (id, v) VALUES (400, -400)",
            "INSERT INTO %s (id, v) VALUES (9001, 1), (9002, 2)",
            "UPDATE %s SET v = v * 3 WHERE MOD(id, 70) = 0",
            "UPDATE %s SET id = 20, v = 2020 WHERE id = 30",
        };
        for (String q : dml) {
            server.exec(db, String.format(q, "t"), String.format(q, "control"));
        }
        RevertListener during = new RevertListener() {
            @Override
            public void step(RevertStep step, String detail) {
                try {
                    if (step == RevertStep.VERIFY || step == RevertStep.CUT_OVER) {
                        int base = step == RevertStep.VERIFY ? 1000 : 2000;
                        for (String q : new String[] {"UPDATE %s SET id = " + (base + 7) + " WHERE id = " + (base + 10),
                                "DELETE FROM %s WHERE id = " + (base + 20), "INSERT INTO %s (id, v) VALUES ("
                                + (base + 20) + ", 7)", "UPDATE %s SET v = -v WHERE id = " + (base + 30)}) {
                            server.exec(db, String.format(q, "t"), String.format(q, "control"));
                        }
                    }
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            }
        };
        new Revert(RevertFixture.config(server, db, "t"), during).execute();
        try (Connection c = server.connect(db)) {
            List<String> expected = idAndV(c, "control", "1 = 1");
            List<String> actual = idAndV(c, "t", "1 = 1");
            assertTrue(expected.equals(actual), () -> MigrationFixture.difference(expected, actual));
            assertEquals(MigrationFixture.schema(c, db, "control"), MigrationFixture.schema(c, db, "t"));
        }
    }

    // ---------------------------------------------------------------------------------------------
    // 4. Composite, non-integer keys and the parallel writer
    // ---------------------------------------------------------------------------------------------

    /**
     * A key of DECIMAL, DATETIME(6) and BINARY(4) (values with trailing zero bytes, which the binlog
     * leaves out), two copy workers, small chunks, two apply connections (ParallelWriter: the
     * primary key is the only unique key), and an application that moves rows across the key space
     * (each key part in turn), deletes and re-inserts them for the whole copy. The new table must
     * hold the old table's rows.
     */
    @Test
    void compositeNonIntegerKeysUnderTheParallelWriter() throws Exception {
        String db = server.createDatabase("r4_keys");
        server.exec(db, "CREATE TABLE t (d DECIMAL(10,2) NOT NULL, ts DATETIME(6) NOT NULL, b BINARY(4) NOT NULL,"
                + " v INT NOT NULL, PRIMARY KEY (d, ts, b))");
        try (Connection c = server.connect(db)) {
            MigrationFixture.fill(c, "INSERT INTO t VALUES (?, ?, ?, ?)", 20000, i -> new Object[] {
                new java.math.BigDecimal((i % 40) + ".25"), "2024-03-01 10:00:00." + String.format("%06d", i % 17),
                new byte[] {(byte) (i >> 8), (byte) i, 0, 0}, i});
        }
        Recorder rec = new Recorder();
        Migration m = new Migration(MigrationFixture.config(server, db, "t", ALTER).threads(2).applyThreads(2)
                .initialChunkRows(20).maxChunkRows(40).chunkTime(Duration.ofMillis(10))
                .throttleInterval(Duration.ofMillis(20)).checkpointInterval(Duration.ofMillis(500))
                .stateSchema("osc_st_" + db).build(), rec);
        started.add(m);
        Writers writers = Writers.start(server, db, 1, 7, null, (w, r, tables) -> {
            int i = 1 + r.nextInt(20000);
            byte[] b = {(byte) (i >> 8), (byte) i, 0, 0};
            String sql = switch (r.nextInt(5)) {
                case 0 -> "UPDATE t SET v = v + 1 WHERE b = ?";
                case 1 -> "UPDATE t SET ts = ts + INTERVAL " + (1 + r.nextInt(3)) + " MICROSECOND WHERE b = ?";
                case 2 -> "UPDATE t SET d = d + " + (r.nextBoolean() ? "17" : "-17") + " WHERE b = ?";
                case 3 -> "UPDATE t SET b = CONCAT(SUBSTRING(b, 1, 2), CHAR(" + r.nextInt(3) + "), CHAR(0))"
                        + " WHERE b = ?";
                default -> "DELETE FROM t WHERE b = ?";
            };
            try (PreparedStatement ps = w.prepareStatement(sql)) {
                ps.setBytes(1, b);
                ps.executeUpdate();
                if (sql.startsWith("DELETE") && r.nextBoolean()) {
                    try (PreparedStatement ins = w.prepareStatement("INSERT IGNORE INTO t VALUES (?, ?, ?, ?)")) {
                        ins.setBigDecimal(1, new java.math.BigDecimal(r.nextInt(60) + ".50"));
                        ins.setString(2, "2024-03-01 10:00:00." + String.format("%06d", r.nextInt(20)));
                        ins.setBytes(3, b);
                        ins.setInt(4, -i);
                        ins.executeUpdate();
                    }
                }
            }
        });
        try (writers) {
            Thread.sleep(300);
            CompletableFuture<MigrationResult> run = CompletableFuture.supplyAsync(m::execute);
            // hold the run back twice for a moment, so that batches of several hundred keys reach
            // the parallel writer (it splits batches of 200 keys or more)
            for (int i = 0; i < 2; i++) {
                int chunks = rec.chunks.size();
                Recorder.await("more chunks copied", 60, () -> rec.chunks.size() > chunks + 20 || run.isDone());
                m.pause();
                Thread.sleep(1500);
                m.resume();
            }
            Recorder.await("the checksum to start", 120, () -> rec.phases.contains(Phase.CHECKSUM) || run.isDone());
            writers.close();
            MigrationResult result = run.get(120, TimeUnit.SECONDS);
            assertTrue(writers.commits() > 500, "the application committed only " + writers.commits());
            assertTrue(rec.phases.contains(Phase.CHECKSUM));
            try (Connection c = server.connect(db)) {
                List<String> expected = MigrationFixture.rows(c, db, result.plan().names().old());
                List<String> actual = rowsWithoutNote(c, db, "t");
                assertTrue(expected.equals(actual), () -> MigrationFixture.difference(expected, actual));
            }
            assertEquals(0, result.rangesRepaired(), "the checksum had to repair; " + writers.commits() + " commits. "
                    + rec.notices);
        }
    }
}
