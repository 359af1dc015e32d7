package dev.osc.engine.throttle;

import dev.osc.engine.Migration;
import dev.osc.engine.MigrationFixture;
import dev.osc.engine.MigrationListener;
import dev.osc.engine.MigrationResult;
import dev.osc.engine.OscException;
import dev.osc.engine.Phase;
import dev.osc.engine.Recorder;
import dev.osc.engine.Writers;
import dev.osc.engine.control.Controllable;
import dev.osc.engine.control.Setting;
import dev.osc.testing.TestServer;
import dev.osc.testing.TestServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What an operator's requests do to a running migration (the requests themselves travel through
 * the state tables; CLI tests cover that path): pause and resume, settings that take effect while
 * the copy runs, a postponed cut-over, and abort.
 */
@ExtendWith(TestServerExtension.class)
class LiveControlIT {
    private static final String ALTER = "ADD COLUMN note VARCHAR(20) NOT NULL DEFAULT 'n'";
    private final TestServer server;
    /** Runs a failed test leaves behind are stopped, so they do not disturb the next test. */
    private final java.util.List<Migration> started = new java.util.concurrent.CopyOnWriteArrayList<>();

    LiveControlIT(TestServer server) {
        this.server = server;
    }

    private String table(int rows, int payload) throws SQLException {
        String db = server.createDatabase("ctl");
        server.exec(db, "CREATE TABLE t (id INT NOT NULL PRIMARY KEY, v VARCHAR(40), pad VARCHAR(4000))");
        String pad = "x".repeat(payload);
        try (Connection c = server.connect(db)) {
            MigrationFixture.fill(c, "INSERT INTO t VALUES (?, ?, ?)", rows, i -> new Object[] {i, "v-" + i, pad});
        }
        server.exec(db, "CREATE TABLE control LIKE t", "INSERT INTO control SELECT * FROM t");
        return db;
    }

    private void assertMigrated(String db) throws SQLException {
        server.exec(db, "ALTER TABLE control " + ALTER);
        try (Connection c = server.connect(db)) {
            assertEquals(MigrationFixture.schema(c, db, "control"), MigrationFixture.schema(c, db, "t"));
            List<String> expected = MigrationFixture.rows(c, db, "control");
            List<String> actual = MigrationFixture.rows(c, db, "t");
            assertTrue(expected.equals(actual), () -> MigrationFixture.difference(expected, actual));
        }
    }

    @AfterEach
    void stopRuns() {
        started.forEach(Migration::cancel);
    }

    @Test
    void pauseHoldsTheCopyAndSettingsTakeEffectAfterResume() throws Exception {
        String db = table(20_000, 100);
        Recorder rec = new Recorder();
        List<String> workers = new java.util.concurrent.CopyOnWriteArrayList<>();
        Migration m = new Migration(MigrationFixture.config(server, db, "t", ALTER).threads(1).initialChunkRows(50)
                .maxChunkRows(200).chunkTime(Duration.ofSeconds(10)).throttleInterval(Duration.ofMillis(20)).build(),
                MigrationListener.all(rec, new MigrationListener() {
                    @Override
                    public void chunkCopied(int rows, Duration took) {
                        workers.add(Thread.currentThread().getName());
                    }
                }));
        Controllable.Answer paused = m.pause();
        assertTrue(paused.accepted() && paused.message().startsWith("paused"), paused.toString());
        assertEquals("already paused", m.pause().message());
        CompletableFuture<MigrationResult> run = CompletableFuture.supplyAsync(track(m)::execute);

        Recorder.await("the copy to be held by the pause", 20, () -> rec.lastThrottle().startsWith("paused by an operator"));
        Thread.sleep(1000);
        assertEquals(0, rec.rowsCopied, "rows were copied while paused");

        // chunk-time 10s -> 10ms, shown without timing: the second chunk (from row 51) waits 500 ms for a row
        // lock, so with a 10 ms target the third chunk is half as big (with 10 s it would double). The lock
        // is on row 60 of the shadow table (an uncommitted insert), which the copy waits for however it reads
        assertEquals("chunk-time 10s -> 10ms", m.set(Setting.CHUNK_TIME, Duration.ofMillis(10)).message());
        try (Connection lock = server.connect(db)) {
            lock.setAutoCommit(false);
            lock.createStatement().execute("INSERT INTO t_osc_new (id) VALUES (60)");
            assertEquals("resumed", m.resume().message());
            Recorder.await("the first chunk", 20, () -> rec.chunks.size() >= 1);
            Thread.sleep(500);
            lock.rollback();
        }
        Recorder.await("the third chunk", 20, () -> rec.chunks.size() >= 3);
        m.pause();
        assertEquals(50, rec.chunks.get(0));
        assertTrue(rec.chunks.get(1) >= 25, "the second chunk (rows 51 on, at least half of 50) covers row 60: " + rec.chunks);
        assertEquals(rec.chunks.get(1) / 2, rec.chunks.get(2), "after a slow chunk the next one halves: " + rec.chunks);

        Recorder.await("the pause to take hold", 10, () -> rec.lastThrottle().startsWith("paused"));
        assertEquals("threads 1 -> 3", m.set(Setting.THREADS, 3).message());
        int before = workers.size();
        assertEquals(1, workers.stream().distinct().count(), workers.toString());
        assertEquals("resumed", m.resume().message());
        MigrationResult result = run.get(120, TimeUnit.SECONDS);
        assertEquals(3, workers.subList(before, workers.size()).stream().distinct().count(),
                "copy workers after threads=3: " + workers.subList(before, workers.size()));
        assertEquals(20_000, result.rowsCopied());
        assertMigrated(db);
    }

    @Test
    void aPostponedCutOverKeepsTheShadowInSyncUntilRequested() throws Exception {
        String db = table(3000, 10);
        AtomicLong nextId = new AtomicLong(100_000);
        Writers.Workload workload = (c, random, tables) -> {
            int id = 1 + random.nextInt(3000);
            long newId = nextId.incrementAndGet();
            String v = "u-" + random.nextInt(1000);
            for (String t : tables) {
                Writers.exec(c, "UPDATE " + t + " SET v = ? WHERE id = ?", v, id);
                Writers.exec(c, "INSERT INTO " + t + " (id, v, pad) VALUES (?, 'new', 'p')", newId);
                Writers.exec(c, "DELETE FROM " + t + " WHERE id = ?", id + 1);
            }
        };
        Recorder rec = new Recorder();
        Migration m = new Migration(MigrationFixture.config(server, db, "t", ALTER).postponeCutOver(true).build(), rec);
        try (Writers writers = Writers.start(server, db, 2, 7, null, workload)) {
            writers.awaitCommits(20);
            CompletableFuture<MigrationResult> run = CompletableFuture.supplyAsync(track(m)::execute);
            Recorder.await("the run to wait for the cut-over", 60, () -> rec.phase() == Phase.WAITING_FOR_CUTOVER);
            writers.awaitCommits(100);
            assertEquals(Phase.WAITING_FOR_CUTOVER, rec.phase(), "it must not swap on its own");
            assertFalse(run.isDone());
            try (Connection c = server.connect(db)) {
                assertTrue(MigrationFixture.oscTables(c, db).contains("t_osc_new"));
                assertFalse(MigrationFixture.schema(c, db, "t").contains("note"), "the table was swapped");
            }
            Controllable.Answer go = m.cutOver();
            assertTrue(go.accepted(), go.toString());
            MigrationResult result = run.get(60, TimeUnit.SECONDS);
            assertTrue(result.executed());
            writers.awaitCommits(50);
        }
        assertMigrated(db);
    }

    @Test
    void cutOverIsRefusedForARunThatWasNotPostponed() throws Exception {
        String db = table(10, 10);
        Migration m = new Migration(MigrationFixture.config(server, db, "t", ALTER).build(), MigrationListener.NONE);
        Controllable.Answer a = m.cutOver();
        assertFalse(a.accepted());
        assertTrue(a.message().contains("--postpone-cutover"), a.message());
    }

    @Test
    void abortStopsTheRunDropsTheShadowAndLeavesTheTable() throws Exception {
        String db = table(3000, 10);
        List<String> before;
        String schema;
        try (Connection c = server.connect(db)) {
            before = MigrationFixture.rows(c, db, "t");
            schema = MigrationFixture.schema(c, db, "t");
        }
        Recorder rec = new Recorder();
        Migration m = new Migration(MigrationFixture.config(server, db, "t", ALTER).build(), rec);
        m.pause();
        CompletableFuture<MigrationResult> run = CompletableFuture.supplyAsync(track(m)::execute);
        Recorder.await("the copy to start", 20, () -> rec.phase() == Phase.COPY);
        assertEquals(null, m.abort(), "abort is answered once the shadow is dropped");
        ExecutionException e = assertThrows(ExecutionException.class, () -> run.get(60, TimeUnit.SECONDS));
        OscException oe = assertInstanceOf(OscException.class, e.getCause());
        assertTrue(oe.getMessage().contains("osc abort"), oe.getMessage());
        try (Connection c = server.connect(db)) {
            assertEquals(List.of(), MigrationFixture.oscTables(c, db));
            assertEquals(schema, MigrationFixture.schema(c, db, "t"));
            assertEquals(before, MigrationFixture.rows(c, db, "t"));
        }
    }

    private Migration track(Migration m) {
        started.add(m);
        return m;
    }
}
