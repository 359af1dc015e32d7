package dev.osc.engine.throttle;

import dev.osc.engine.Migration;
import dev.osc.engine.MigrationFixture;
import dev.osc.engine.MigrationResult;
import dev.osc.engine.OscException;
import dev.osc.engine.Phase;
import dev.osc.engine.Recorder;
import dev.osc.engine.control.Setting;
import dev.osc.testing.TestServer;
import dev.osc.testing.TestServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The throttle signals hold a real migration back: the copy does not move while a signal says so,
 * and goes on (to a correct result) once it clears. Load on the server is made with sessions
 * running SLEEP(), which count in Threads_running.
 */
@ExtendWith(TestServerExtension.class)
class ThrottlingIT {
    private static final int ROWS = 4000;
    private static final String ALTER = "ADD COLUMN note VARCHAR(20) NOT NULL DEFAULT 'n'";
    private final TestServer server;
    /** Runs a failed test leaves behind are stopped, so they do not disturb the next test. */
    private final java.util.List<Migration> started = new java.util.concurrent.CopyOnWriteArrayList<>();

    ThrottlingIT(TestServer server) {
        this.server = server;
    }

    private String table() throws SQLException {
        return table(ROWS);
    }

    private String table(int rows) throws SQLException {
        String db = server.createDatabase("thr");
        server.exec(db, "CREATE TABLE t (id INT NOT NULL PRIMARY KEY, v VARCHAR(40))");
        try (Connection c = server.connect(db)) {
            MigrationFixture.fill(c, "INSERT INTO t VALUES (?, ?)", rows, i -> new Object[] {i, "v-" + i});
        }
        server.exec(db, "CREATE TABLE control LIKE t", "INSERT INTO control SELECT * FROM t");
        return db;
    }

    /** The migrated table equals a plain ALTER of the control, row by row. */
    private void assertMigrated(String db) throws SQLException {
        server.exec(db, "ALTER TABLE control " + ALTER);
        try (Connection c = server.connect(db)) {
            assertEquals(MigrationFixture.schema(c, db, "control"), MigrationFixture.schema(c, db, "t"));
            List<String> expected = MigrationFixture.rows(c, db, "control");
            List<String> actual = MigrationFixture.rows(c, db, "t");
            assertTrue(expected.equals(actual), () -> MigrationFixture.difference(expected, actual));
        }
    }

    /** Sessions that stay "running" (in SLEEP) until closed. */
    private final class Load implements AutoCloseable {
        final List<Connection> sessions = new ArrayList<>();
        final List<CompletableFuture<Void>> sleeps = new ArrayList<>();

        Load(int n) throws SQLException {
            for (int i = 0; i < n; i++) {
                Connection c = server.connect("");
                sessions.add(c);
                sleeps.add(CompletableFuture.runAsync(() -> {
                    try (Statement s = c.createStatement()) {
                        s.execute("SELECT SLEEP(120)");
                    } catch (SQLException killed) {
                        // ended by close()
                    }
                }));
            }
        }

        @Override
        public void close() throws Exception {
            try (Connection admin = server.connect("")) {
                // KILL QUERY every sleeping session of this test
                try (Statement s = admin.createStatement();
                     ResultSet rs = s.executeQuery("SELECT ID FROM information_schema.PROCESSLIST WHERE INFO = 'SELECT SLEEP(120)'")) {
                    List<Long> ids = new ArrayList<>();
                    while (rs.next()) {
                        ids.add(rs.getLong(1));
                    }
                    for (long id : ids) {
                        admin.createStatement().execute("KILL QUERY " + id);
                    }
                }
            }
            for (CompletableFuture<Void> f : sleeps) {
                f.get(30, TimeUnit.SECONDS);
            }
            for (Connection c : sessions) {
                c.close();
            }
        }
    }

    private long threadsRunning() throws SQLException {
        try (Connection c = server.connect(""); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SHOW GLOBAL STATUS LIKE 'Threads_running'")) {
            rs.next();
            return rs.getLong(2);
        }
    }

    private CompletableFuture<MigrationResult> start(Migration m) {
        return CompletableFuture.supplyAsync(track(m)::execute);
    }

    @AfterEach
    void stopRuns() {
        started.forEach(Migration::cancel);
    }

    @Test
    void threadsRunningAboveTheMaximumHoldsTheCopyBackAndSetChangesTheMaximum() throws Exception {
        String db = table();
        try (Load load = new Load(8)) {
            Recorder.await("the sleeping sessions to count as running", 10, () -> {
                try {
                    return threadsRunning() >= 8;
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            Recorder rec = new Recorder();
            Migration m = new Migration(MigrationFixture.config(server, db, "t", ALTER).maxThreadsRunning(5).build(), rec);
            CompletableFuture<MigrationResult> run = start(m);
            Recorder.await("a throttle for threads running", 20, () -> rec.lastThrottle().startsWith("threads running"));
            assertEquals(Phase.COPY, rec.phase());
            Thread.sleep(1000);
            assertEquals(0, rec.rowsCopied, "the copy went on while throttled");
            assertTrue(rec.progress.stream().anyMatch(p -> p.throttleReason().startsWith("threads running")),
                    "progress names the throttle reason");

            // osc set max-threads-running=0 turns the signal off: the copy goes on while the load stays
            assertTrue(m.set(Setting.MAX_THREADS_RUNNING, 0).accepted());
            MigrationResult result = run.get(60, TimeUnit.SECONDS);
            assertEquals(ROWS, result.rowsCopied());
            assertEquals("", rec.lastThrottle(), "throttling ended");
        }
        assertMigrated(db);
    }

    @Test
    void criticalThreadsRunningAbortsAndLeavesTheTableAsItWas() throws Exception {
        String db = table();
        String schema;
        List<String> before;
        try (Connection c = server.connect(db)) {
            schema = MigrationFixture.schema(c, db, "t");
            before = MigrationFixture.rows(c, db, "t");
        }
        try (Load load = new Load(8)) {
            Recorder.await("the sleeping sessions to count as running", 10, () -> {
                try {
                    return threadsRunning() >= 8;
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            Recorder rec = new Recorder();
            Migration m = new Migration(MigrationFixture.config(server, db, "t", ALTER)
                    .criticalThreadsRunning(6).criticalChecks(3).build(), rec);
            ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> start(m).get(60, TimeUnit.SECONDS));
            OscException oe = assertInstanceOf(OscException.class, e.getCause());
            assertEquals(OscException.Kind.FAILED, oe.kind());
            assertTrue(oe.getMessage().contains("server load") && oe.getMessage().contains("3 consecutive checks"),
                    oe.getMessage());
            assertTrue(oe.getMessage().contains("intact"), oe.getMessage());
        }
        try (Connection c = server.connect(db)) {
            assertEquals(List.of(), MigrationFixture.oscTables(c, db), "the shadow table is dropped");
            assertEquals(schema, MigrationFixture.schema(c, db, "t"));
            assertEquals(before, MigrationFixture.rows(c, db, "t"));
        }
    }

    @Test
    void aFlagFileHoldsBackUntilItIsRemoved(@TempDir Path dir) throws Exception {
        String db = table();
        Path flag = Files.createFile(dir.resolve("osc.throttle"));
        Recorder rec = new Recorder();
        Migration m = new Migration(MigrationFixture.config(server, db, "t", ALTER).throttleFile(flag).build(), rec);
        CompletableFuture<MigrationResult> run = start(m);
        Recorder.await("a throttle for the flag file", 20, () -> rec.lastThrottle().equals("flag file " + flag + " exists"));
        Thread.sleep(1000);
        assertEquals(0, rec.rowsCopied, "the copy went on while the flag file existed");
        Files.delete(flag);
        assertEquals(ROWS, run.get(60, TimeUnit.SECONDS).rowsCopied());
        assertMigrated(db);
    }

    @Test
    void theCopyWaitsWhileTheApplyCannotKeepUpAndNoChangeIsLost() throws Exception {
        String db = table(40_000);
        Recorder rec = new Recorder();
        Migration m = new Migration(MigrationFixture.config(server, db, "t", ALTER).threads(1).applyBehindKeys(20)
                .throttleInterval(Duration.ofMillis(20)).build(), rec);
        m.pause();
        CompletableFuture<MigrationResult> run = start(m);
        Recorder.await("the pause", 20, () -> rec.lastThrottle().startsWith("paused"));
        m.resume();
        Recorder.await("some rows copied", 20, () -> rec.rowsCopied >= 1000);
        m.pause();
        Recorder.await("the pause", 20, () -> rec.lastThrottle().startsWith("paused"));
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger(2);
        // every transaction changes row 1, whose shadow row this test holds locked: the applier waits
        // on it, and the changes of the other rows pile up behind it
        dev.osc.engine.Writers.Workload workload = (c, random, tables) -> {
            int other = 2 + next.getAndIncrement() % 900;
            int v = random.nextInt(100_000);
            for (String table : tables) {
                dev.osc.engine.Writers.exec(c, "UPDATE " + table + " SET v = ? WHERE id IN (1, ?)", "w-" + v, other);
            }
        };
        try (Connection lock = server.connect(db)) {
            lock.setAutoCommit(false);
            lock.createStatement().executeQuery("SELECT * FROM t_osc_new WHERE id = 1 FOR UPDATE").close();
            try (dev.osc.engine.Writers writers = dev.osc.engine.Writers.start(server, db, 2, 5, null, workload)) {
                writers.awaitCommits(10);
                m.resume();
                Recorder.await("the copy to hold back for the apply", 30, () -> rec.lastThrottle().startsWith("apply behind"));
                lock.commit();
                writers.awaitCommits(50);
            }
        }
        assertEquals(40_000, run.get(60, TimeUnit.SECONDS).rowsCopied());
        assertEquals("", rec.lastThrottle());
        assertMigrated(db);
    }

    @Test
    void pendingChangesStayBoundedWhileThrottled() throws Exception {
        String db = table();
        Recorder rec = new Recorder();
        Migration m = new Migration(MigrationFixture.config(server, db, "t", ALTER).applyBehindKeys(10).maxPendingKeys(50)
                .build(), rec);
        m.pause();
        CompletableFuture<MigrationResult> run = start(m);
        Recorder.await("the pause", 20, () -> rec.lastThrottle().startsWith("paused"));
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        // each transaction changes another row: the keys pile up while the pause holds the applier
        dev.osc.engine.Writers.Workload workload = (c, random, tables) -> {
            int id = 1 + next.getAndIncrement() % ROWS;
            String v = "w-" + random.nextInt(1000);
            for (String table : tables) {
                dev.osc.engine.Writers.exec(c, "UPDATE " + table + " SET v = ? WHERE id = ?", v, id);
            }
        };
        try (dev.osc.engine.Writers writers = dev.osc.engine.Writers.start(server, db, 2, 9, null, workload)) {
            Recorder.await("the applier to write although paused", 30,
                    () -> rec.notices.stream().anyMatch(n -> n.contains("more than osc keeps in memory (50)")));
            writers.awaitCommits(200);
            long maxPending = rec.progress.stream().mapToLong(p -> p.changesPending()).max().orElse(0);
            assertTrue(maxPending < 50 + 200, "pending changes while paused peaked at " + maxPending);
            m.resume();
            writers.awaitCommits(50);
        }
        run.get(60, TimeUnit.SECONDS);
        assertMigrated(db);
    }

    private Migration track(Migration m) {
        started.add(m);
        return m;
    }
}
