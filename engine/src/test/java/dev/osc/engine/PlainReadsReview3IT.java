package dev.osc.engine;

import dev.osc.engine.copy.ReadMode;
import dev.osc.testing.TestServer;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Third review of plain (non-locking) reads on MariaDB. Same set-up as PlainReadsReview2IT where a
 * test needs to look at the shadow before the checksum: ids 10, 20, ..., 4000, one copy worker,
 * ranges of exactly 100 rows; range 2's chunk is held at id 1500 by an uncommitted shadow row of a
 * test session, so that a change to id 500 (range 1, copied) is applied at once. Tests that need
 * nothing to repair a loss run with --postpone-cutover and change the table after the checksum.
 *
 * <p>Failed before their fixes: the three XA-with-savepoint tests (the stream handed a transaction's
 * keys over at a SAVEPOINT / ROLLBACK TO Query event, which split an XA transaction), DML logged as
 * text that does not name the table (view, trigger), and LOAD DATA logged as load events (ignored).
 * Passed from the start: primary-key moves across the range being copied, and a multi-worker
 * composite-key load.
 */
class PlainReadsReview3IT extends MigrationRaceTest {

    PlainReadsReview3IT(TestServer server) {
        super(server);
    }

    /**
     * A SAVEPOINT inside a transaction is written to the binlog as a Query event "SAVEPOINT `s`" in
     * the middle of the transaction; it does not end the transaction. An XA transaction's keys,
     * those before its savepoint included, are held until its XA COMMIT and applied once it is
     * committed, without the checksum's help. (The stream used to hand the keys before the
     * savepoint over there, as an ordinary committed transaction: the applier re-read row 500 while
     * the XA transaction was only prepared, wrote its old value, and XA COMMIT handed over only row
     * 600.)
     *
     * <p>Interleaving: range 1 copied, range 2 held at 1500. XA START; UPDATE id 500; SAVEPOINT;
     * UPDATE id 600; XA END; XA PREPARE; wait 3 s; XA COMMIT.
     */
    @Test
    void anXaTransactionsChangeBeforeASavepointIsAppliedOnlyOnceCommitted() throws Exception {
        String db = createTable("pr3_xasp");
        Recorder rec = new Recorder();
        Held held = runHeldInRange2(db, rec, "(id, v) VALUES (1500, 0)");
        Connection at1500 = held.at1500();
        try (Connection c = server.connect(db)) {
            Statement x = session(db).createStatement();
            x.execute("XA START 'sp1'");
            x.execute("UPDATE t SET v = 999 WHERE id = 500");
            x.execute("SAVEPOINT s1");
            x.execute("UPDATE t SET v = 998 WHERE id = 600");
            x.execute("XA END 'sp1'");
            x.execute("XA PREPARE 'sp1'");
            Thread.sleep(3000);
            x.execute("XA COMMIT 'sp1'");
            Recorder.await("the applier to apply row 600 (held until the XA COMMIT)", 15,
                    () -> holds(c, "SELECT COUNT(*) FROM t_osc_new WHERE id = 600 AND v = 998"));
            Thread.sleep(500);
            List<String> shadow = idAndV(c, "t_osc_new", "id IN (500, 600)");
            at1500.rollback();

            MigrationResult result = held.run().get(120, TimeUnit.SECONDS);
            assertEquals(ReadMode.CONSISTENT, result.reads());
            List<String> expected = idAndV(c, "`" + result.plan().names().old() + "`", "1 = 1");
            List<String> actual = idAndV(c, "t", "1 = 1");
            assertTrue(expected.contains("500=999") && expected.contains("600=998"), expected.toString());
            assertTrue(expected.equals(actual), () -> MigrationFixture.difference(expected, actual));
            assertEquals(List.of("500=999", "600=998"), shadow, "shadow rows 500 and 600 after the XA COMMIT"
                    + " (ranges the checksum repaired: " + result.rangesRepaired() + "; notices " + rec.notices + ")");
            assertEquals(0, result.rangesRepaired(), "only the checksum put row 500 back. " + rec.notices);
        }
    }

    /**
     * The same after the checksum, where nothing would repair a loss: with --postpone-cutover the run
     * keeps the shadow in sync. The XA transaction changes id 500, sets a savepoint and changes id
     * 600, and is prepared; the cut-over is asked for and waits for the prepared transaction; after
     * the XA COMMIT the swap keeps both changes.
     */
    @Test
    void anXaTransactionsChangeBeforeASavepointIsNotLostInTheSwap() throws Exception {
        String db = createTable("pr3_xasp_cut");
        Recorder rec = new Recorder();
        CompletableFuture<MigrationResult> run = runWaitingForCutOver(db, rec);
        Migration m = lastStarted();
        try (Connection c = server.connect(db)) {
            Statement x = session(db).createStatement();
            x.execute("XA START 'sp2'");
            x.execute("UPDATE t SET v = 999 WHERE id = 500");
            x.execute("SAVEPOINT s1");
            x.execute("UPDATE t SET v = 998 WHERE id = 600");
            x.execute("XA END 'sp2'");
            x.execute("XA PREPARE 'sp2'");
            Thread.sleep(3000);
            assertEquals("cut-over starting now", m.cutOver().message());
            Thread.sleep(1500);
            assertTrue(rec.phase() != Phase.DONE, "swapped while an XA transaction on the table was prepared");
            x.execute("XA COMMIT 'sp2'");

            assertSwapKeptEveryRow(c, run, "500=999", "600=998");
        }
    }

    /**
     * Like the test above, but every change of the XA transaction precedes its savepoint. The run
     * still counts the transaction as prepared (the swap waits for it) and applies its change after
     * the XA COMMIT. (The stream used to empty the transaction at the savepoint, so it recorded no
     * prepared transaction at all.)
     */
    @Test
    void anXaTransactionWhoseChangesAllPrecedeASavepointIsNotLostInTheSwap() throws Exception {
        String db = createTable("pr3_xasp_all");
        Recorder rec = new Recorder();
        CompletableFuture<MigrationResult> run = runWaitingForCutOver(db, rec);
        Migration m = lastStarted();
        try (Connection c = server.connect(db)) {
            Statement x = session(db).createStatement();
            x.execute("XA START 'sp3'");
            x.execute("UPDATE t SET v = 999 WHERE id = 500");
            x.execute("SAVEPOINT s1");
            x.execute("XA END 'sp3'");
            x.execute("XA PREPARE 'sp3'");
            Thread.sleep(3000);
            assertEquals("cut-over starting now", m.cutOver().message());
            Thread.sleep(1500);
            Phase whilePrepared = rec.phase();
            x.execute("XA COMMIT 'sp3'");

            assertTrue(whilePrepared != Phase.DONE, "swapped while an XA transaction on the table was prepared");
            assertSwapKeptEveryRow(c, run, "500=999");
        }
    }

    /**
     * Primary-key updates that move rows between the copied range and the range being copied, both
     * ways, a row deleted and inserted again with the same key in one transaction, and a transaction
     * with a savepoint and a rollback to it (not XA: its keys handed over early at the savepoint wait
     * for the commit horizon like any others). Range 2's chunk read its snapshot before all of this
     * (it waits at 1500), range 3's waits at 2500 so the shadow can be looked at before the checksum.
     * Passes: a regression test.
     */
    @Test
    void primaryKeyMovesAcrossTheRangeBeingCopiedAreApplied() throws Exception {
        String db = createTable("pr3_moves");
        Recorder rec = new Recorder();
        Connection at2500 = session(db);
        at2500.setAutoCommit(false);
        Held held = runHeldInRange2(db, rec, "(id, v) VALUES (1500, 0)");
        Connection at1500 = held.at1500();
        at2500.createStatement().execute("INSERT INTO t_osc_new (id, v) VALUES (2500, 0)");
        try (Connection c = server.connect(db)) {
            Statement s = c.createStatement();
            s.execute("UPDATE t SET id = 1805 WHERE id = 500");          // copied -> being copied
            s.execute("UPDATE t SET id = 505, v = 1 WHERE id = 1800");   // being copied -> copied
            s.execute("UPDATE t SET id = 3505 WHERE id = 510");          // copied -> not handed out
            s.execute("UPDATE t SET id = 515 WHERE id = 3500");          // not handed out -> copied
            c.setAutoCommit(false);
            s.execute("DELETE FROM t WHERE id = 600");
            s.execute("INSERT INTO t VALUES (600, 6000)");
            s.execute("DELETE FROM t WHERE id = 1600");
            s.execute("INSERT INTO t VALUES (1600, 16000)");
            c.commit();
            s.execute("UPDATE t SET v = 7000 WHERE id = 700");
            s.execute("SAVEPOINT a");
            s.execute("UPDATE t SET v = 17000 WHERE id = 1700");
            s.execute("SAVEPOINT b");
            s.execute("UPDATE t SET v = -1 WHERE id = 800");
            s.execute("ROLLBACK TO SAVEPOINT b");
            s.execute("UPDATE t SET v = 8000 WHERE id = 900");
            c.commit();
            c.setAutoCommit(true);
            Recorder.await("the applier to apply the copied range's changes", 15,
                    () -> holds(c, "SELECT COUNT(*) FROM t_osc_new WHERE id = 900 AND v = 8000"));

            at1500.rollback();
            Recorder.await("range 2 copied and its waiting keys applied (range 3 waits at 2500)", 30,
                    () -> holds(c, "SELECT COUNT(*) FROM t_osc_new WHERE id = 1805"));
            Thread.sleep(500);
            String where = "id <= 2000";
            List<String> source = idAndV(c, "t", where);
            List<String> shadow = idAndV(c, "t_osc_new", where);
            at2500.rollback();

            MigrationResult result = held.run().get(120, TimeUnit.SECONDS);
            assertEquals(ReadMode.CONSISTENT, result.reads());
            List<String> expected = idAndV(c, "`" + result.plan().names().old() + "`", "1 = 1");
            List<String> actual = idAndV(c, "t", "1 = 1");
            assertTrue(expected.equals(actual), () -> MigrationFixture.difference(expected, actual));
            assertTrue(source.equals(shadow), () -> "ranges 1 and 2 before the checksum: "
                    + MigrationFixture.difference(source, shadow));
            assertEquals(0, result.rangesRepaired(), rec.notices.toString());
        }
    }

    /**
     * Several copy workers, small chunks, a composite key with a case-insensitive text part, and an
     * application that moves rows across the key space (primary-key updates), deletes and re-inserts
     * them, with savepoints and rollbacks to them, for the whole copy. Nothing may need the
     * checksum's repair. Passes: a regression test.
     */
    @Test
    void compositeKeyMovesUnderSeveralWorkersNeedNoRepair() throws Exception {
        String db = server.createDatabase("pr3_stress");
        server.exec(db, "CREATE TABLE t (a INT NOT NULL, b VARCHAR(12) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci"
                + " NOT NULL, v INT NOT NULL, PRIMARY KEY (a, b))");
        try (Connection c = server.connect(db)) {
            MigrationFixture.fill(c, "INSERT INTO t VALUES (?, ?, ?)", 4000,
                    i -> new Object[] {i % 400, "k" + (i / 400) + (i % 2 == 0 ? "x" : "Y"), i});
        }
        Recorder rec = new Recorder();
        Migration m = new Migration(MigrationFixture.config(server, db, "t", ALTER).threads(2).initialChunkRows(10)
                .maxChunkRows(20).chunkTime(Duration.ofMillis(10)).throttleInterval(Duration.ofMillis(20))
                .checkpointInterval(Duration.ofMillis(500)).stateSchema("osc_st_" + db).build(), rec);
        started.add(m);
        Writers writers = Writers.start(server, db, 1, 42, null, (w, r, tables) -> {
            try (Statement s = w.createStatement()) {
                for (int n = 1 + r.nextInt(3); n > 0; n--) {
                    int a = r.nextInt(400);
                    String b = "k" + r.nextInt(10) + (r.nextBoolean() ? "x" : "Y");
                    switch (r.nextInt(6)) {
                        case 0 -> s.execute("UPDATE t SET a = " + r.nextInt(400) + ", b = UPPER(b)"
                                + " WHERE a = " + a + " AND b = '" + b + "'");
                        case 1 -> s.execute("UPDATE t SET a = a + 37 WHERE a = " + a + " ORDER BY b LIMIT 1");
                        case 2 -> {
                            s.execute("DELETE FROM t WHERE a = " + a + " AND b = '" + b + "'");
                            s.execute("INSERT IGNORE INTO t VALUES (" + a + ", '" + b + "', " + r.nextInt() + ")");
                        }
                        case 3 -> s.execute("SAVEPOINT s" + n);
                        case 4 -> s.execute("INSERT IGNORE INTO t VALUES (" + r.nextInt(450) + ", 'n"
                                + r.nextInt(1000) + "', 1)");
                        default -> s.execute("UPDATE t SET v = v + 1 WHERE a = " + a);
                    }
                }
            }
        });
        try (writers) {
            Thread.sleep(300);
            CompletableFuture<MigrationResult> run = CompletableFuture.supplyAsync(m::execute);
            Recorder.await("the checksum to start", 120, () -> rec.phases.contains(Phase.CHECKSUM) || run.isDone());
            writers.close();
            MigrationResult result = run.get(120, TimeUnit.SECONDS);
            assertEquals(ReadMode.CONSISTENT, result.reads());
            assertTrue(writers.commits() > 50, "the application committed only " + writers.commits());
            try (Connection c = server.connect(db)) {
                List<String> expected = MigrationFixture.rows(c, db, result.plan().names().old());
                List<String> actual = MigrationFixture.rows(c, db, "t").stream()
                        .map(row -> row.substring(0, row.lastIndexOf('|'))).toList();
                assertTrue(expected.equals(actual), () -> MigrationFixture.difference(expected, actual));
            }
            assertEquals(0, result.rangesRepaired(), "the checksum had to repair; " + writers.commits() + " commits, "
                    + rec.chunks.size() + " chunks. " + rec.notices);
        }
    }

    /**
     * DML logged as SQL text (a session whose binlog_format is STATEMENT or MIXED: sessions keep the
     * format they started with, so pooled connections opened before a SET GLOBAL binlog_format=ROW
     * still log safe DML as statements) may change the table without naming it: an UPDATE through a
     * view, an INSERT into another table whose trigger updates it. The log does not say which rows
     * changed, so osc stops, and leaves the table as the application wrote it. (Before the fix the
     * stream took such statements for another table's, and the swap lost the change.)
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"view", "trigger"})
    void dmlLoggedAsTextStopsTheRunEvenWithoutNamingTheTable(String how) throws Exception {
        String db = createTable("pr3_stmt_" + how);
        server.exec(db, "CREATE VIEW tv AS SELECT id, v FROM t",
                "CREATE TABLE audit (id INT NOT NULL PRIMARY KEY)",
                "CREATE TRIGGER audit_ai AFTER INSERT ON audit FOR EACH ROW UPDATE t SET v = 999 WHERE id = NEW.id");
        CompletableFuture<MigrationResult> run = runWaitingForCutOver(db, new Recorder());
        Connection app = session(db);
        app.createStatement().execute("SET SESSION binlog_format = 'MIXED'");
        app.createStatement().execute(how.equals("view") ? "UPDATE tv SET v = 999 WHERE id = 500"
                : "INSERT INTO audit VALUES (500)");
        assertStoppedWithTableIntact(db, run, "DML reached the binary log as SQL text", "500=999");
    }

    /**
     * LOAD DATA in a session whose binlog_format is STATEMENT reaches the binlog as Begin_load_query
     * and Execute_load_query events, not as a Query event nor as rows: osc stops. (Before the fix the
     * stream ignored those events, and the swap lost the loaded rows.) With MIXED, MariaDB logs LOAD
     * DATA as rows, and the run completes with them.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"MIXED", "STATEMENT"})
    void loadDataLoggedAsTextStopsTheRunAndLoggedAsRowsIsApplied(String format) throws Exception {
        String db = createTable("pr3_load");
        CompletableFuture<MigrationResult> run = runWaitingForCutOver(db, new Recorder());
        java.nio.file.Path csv = java.nio.file.Files.createTempFile("pr3_load", ".csv");
        try {
            java.nio.file.Files.writeString(csv, "500,999\n5000,5\n");
            java.util.Properties p = new java.util.Properties();
            p.setProperty("user", server.user());
            p.setProperty("password", server.password());
            p.setProperty("allowLoadLocalInfile", "true");
            Connection app = java.sql.DriverManager.getConnection(server.jdbcUrl(db), p);
            sessions.add(app);
            app.createStatement().execute("SET SESSION binlog_format = '" + format + "'");
            app.createStatement().execute("LOAD DATA LOCAL INFILE '" + csv.toAbsolutePath()
                    + "' REPLACE INTO TABLE t FIELDS TERMINATED BY ','");
        } finally {
            java.nio.file.Files.deleteIfExists(csv);
        }
        if (format.equals("STATEMENT")) {
            assertStoppedWithTableIntact(db, run, "LOAD DATA statement reached the binary log as SQL text",
                    "500=999", "5000=5");
            return;
        }
        try (Connection c = server.connect(db)) {
            Thread.sleep(500); // the stream reads the rows before the cut-over is asked for
            assertEquals("cut-over starting now", lastStarted().cutOver().message());
            assertSwapKeptEveryRow(c, run, "500=999", "5000=5");
        }
    }

    private Migration lastStarted() {
        return started.get(started.size() - 1);
    }

    /** Starts a run that copies and checks the table, then keeps the shadow in sync until told to cut over. */
    private CompletableFuture<MigrationResult> runWaitingForCutOver(String db, Recorder rec) throws Exception {
        Migration m = new Migration(MigrationFixture.config(server, db, "t", ALTER).threads(1)
                .throttleInterval(Duration.ofMillis(20)).checkpointInterval(Duration.ofHours(1))
                .stateSchema("osc_st_" + db).postponeCutOver(true).cutOverAttempts(10).build(), rec);
        started.add(m);
        CompletableFuture<MigrationResult> run = CompletableFuture.supplyAsync(m::execute);
        Recorder.await("the copy and checksum", 60, () -> rec.phase() == Phase.WAITING_FOR_CUTOVER);
        return run;
    }

    /** The run swapped, read without locks, and the new table holds every row the old one does, these among them. */
    private static void assertSwapKeptEveryRow(Connection c, CompletableFuture<MigrationResult> run, String... rows)
            throws Exception {
        MigrationResult result = run.get(120, TimeUnit.SECONDS);
        assertEquals(ReadMode.CONSISTENT, result.reads());
        List<String> before = idAndV(c, "`" + result.plan().names().old() + "`", "1 = 1");
        List<String> after = idAndV(c, "t", "1 = 1");
        assertTrue(before.containsAll(List.of(rows)), before.toString());
        assertTrue(before.equals(after), () -> "the swap lost a change: " + MigrationFixture.difference(before, after));
    }

    /** The run stopped on its own, saying why; the table holds the application's rows and osc left nothing. */
    private void assertStoppedWithTableIntact(String db, CompletableFuture<MigrationResult> run, String why,
                                              String... rows) throws Exception {
        java.util.concurrent.ExecutionException stopped = org.junit.jupiter.api.Assertions.assertThrows(
                java.util.concurrent.ExecutionException.class, () -> run.get(60, TimeUnit.SECONDS));
        OscException e = (OscException) stopped.getCause();
        assertEquals(OscException.Kind.FAILED, e.kind());
        assertTrue(e.getMessage().contains(why) && e.getMessage().contains("SET GLOBAL binlog_format=ROW"), e.getMessage());
        try (Connection c = server.connect(db)) {
            List<String> now = idAndV(c, "t", "1 = 1");
            assertTrue(now.containsAll(List.of(rows)), now.toString());
            assertEquals(List.of(), MigrationFixture.oscTables(c, db));
        }
    }
}
