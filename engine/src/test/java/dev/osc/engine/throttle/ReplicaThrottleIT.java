package dev.osc.engine.throttle;

import dev.osc.engine.Migration;
import dev.osc.engine.MigrationFixture;
import dev.osc.engine.MigrationResult;
import dev.osc.engine.Recorder;
import dev.osc.engine.control.Setting;
import dev.osc.engine.db.Sql;
import dev.osc.testing.TestReplica;
import dev.osc.testing.TestServer;
import dev.osc.testing.TestServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A migration on a primary with a real replica: when the replica stops applying (its SQL thread
 * stopped), osc holds back with the reason "replica lag", found by discovery without being told;
 * when the replica applies again, osc goes on and completes, and the result is right on both.
 */
@ExtendWith(TestServerExtension.class)
class ReplicaThrottleIT {
    private static final int ROWS = 40_000;
    private static final String ALTER = "ADD COLUMN note VARCHAR(20) NOT NULL DEFAULT 'n'";
    private final TestServer server;
    /** Runs a failed test leaves behind are stopped, so they do not disturb the next test. */
    private final java.util.List<Migration> started = new java.util.concurrent.CopyOnWriteArrayList<>();

    ReplicaThrottleIT(TestServer server) {
        this.server = server;
    }

    @AfterEach
    void stopRuns() {
        started.forEach(Migration::cancel);
    }

    @Test
    void aReplicaThatStopsApplyingHoldsTheMigrationUntilItCatchesUp() throws Exception {
        String suffix = Long.toString(ThreadLocalRandom.current().nextLong(1L << 30, 1L << 40), 36);
        String db = "rl_" + suffix;
        String state = "osc_rl_" + suffix;
        // the replica starts at the primary's current position: create what it must have afterwards
        try (TestReplica replica = TestReplica.start(server, db, state)) {
            server.exec(null, "CREATE DATABASE " + Sql.quote(db));
            server.exec(db, "CREATE TABLE t (id INT NOT NULL PRIMARY KEY, v VARCHAR(40))");
            try (Connection c = server.connect(db)) {
                MigrationFixture.fill(c, "INSERT INTO t VALUES (?, ?)", ROWS, i -> new Object[] {i, "v-" + i});
            }
            server.exec(db, "CREATE TABLE control LIKE t", "INSERT INTO control SELECT * FROM t");

            Recorder rec = new Recorder();
            Migration m = new Migration(MigrationFixture.config(server, db, "t", ALTER).threads(1)
                    .stateSchema(state).maxLag(Duration.ofSeconds(1)).throttleInterval(Duration.ofMillis(50)).build(), rec);
            m.pause();
            CompletableFuture<MigrationResult> run = CompletableFuture.supplyAsync(track(m)::execute);
            // paused, and nothing else: the replica's heartbeat arrives, its lag is below 1 s
            Recorder.await("the pause as the only reason", 30,
                    () -> rec.lastThrottle().equals("paused by an operator (osc resume continues)"));
            assertTrue(rec.notices.stream().anyMatch(n -> n.contains("watching replica lag on 127.0.0.1:" + replica.port())),
                    rec.notices.toString());

            replica.stopSqlThread();
            Recorder.await("a throttle for replica lag", 15, () -> rec.lastThrottle().contains("replica lag"));
            m.resume();
            Recorder.await("replica lag as the only reason", 15, () -> rec.lastThrottle().startsWith("replica lag"));
            Thread.sleep(1000);
            assertEquals(0, rec.rowsCopied, "the copy went on while the replica lagged");

            // a looser maximum (osc set max-lag) lets the copy go on while the replica still lags
            assertTrue(m.set(Setting.MAX_LAG, Duration.ofHours(1)).accepted());
            Recorder.await("the copy to go on", 15, () -> rec.rowsCopied > 0);
            m.pause();
            m.set(Setting.MAX_LAG, Duration.ofSeconds(1));
            Recorder.await("the pause to hold the copy", 15, () -> rec.lastThrottle().startsWith("paused"));
            m.resume();
            Recorder.await("the lag to hold the copy again", 15, () -> rec.lastThrottle().startsWith("replica lag"));
            Thread.sleep(500);
            long held = rec.rowsCopied;
            Thread.sleep(1000);
            assertEquals(held, rec.rowsCopied, "the copy went on while the replica lagged");
            assertTrue(held < ROWS, "the copy must still have work to do: " + held);

            replica.startSqlThread();
            MigrationResult result = run.get(120, TimeUnit.SECONDS);
            assertEquals(ROWS, result.rowsCopied());
            assertEquals("", rec.lastThrottle());

            server.exec(db, "ALTER TABLE control " + ALTER);
            try (Connection c = server.connect(db); Connection r = replica.connect()) {
                List<String> expected = MigrationFixture.rows(c, db, "control");
                assertEquals(expected, MigrationFixture.rows(c, db, "t"));
                Recorder.await("the replica to catch up", 30, () -> {
                    try {
                        return MigrationFixture.rows(r, db, "t").equals(expected);
                    } catch (java.sql.SQLException e) {
                        return false;
                    }
                });
            }
        } finally {
            server.exec(null, "DROP DATABASE IF EXISTS " + Sql.quote(db), "DROP DATABASE IF EXISTS " + Sql.quote(state));
        }
    }

    private Migration track(Migration m) {
        started.add(m);
        return m;
    }
}
