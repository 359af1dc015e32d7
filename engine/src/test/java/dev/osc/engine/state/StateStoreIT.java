package dev.osc.engine.state;

import dev.osc.engine.ConnectionConfig;
import dev.osc.engine.Phase;
import dev.osc.engine.Progress;
import dev.osc.engine.plan.Method;
import dev.osc.testing.TestServer;
import dev.osc.testing.TestServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(TestServerExtension.class)
class StateStoreIT {
    private final TestServer server;

    StateStoreIT(TestServer server) {
        this.server = server;
    }

    private static Progress progress(long copied, String throttle) {
        return new Progress(Phase.COPY, copied, 1000, 250.5, 17, 3, 0.75, Duration.ofSeconds(4), throttle, 2);
    }

    @Test
    void beginUpdateFinishRoundTrip() throws Exception {
        StateSchema schema = StateFixture.freshSchema("osc_store");
        try (StateStore store = new StateStore(StateFixture.config(server), schema)) {
            assertFalse(store.exists());
            assertTrue(store.running("app", "t").isEmpty(), "nothing runs before the schema exists");

            Instant before = Instant.now().minusSeconds(5);
            long id = store.begin(StateFixture.start("app", "t"));
            assertTrue(store.exists());

            MigrationRecord begun = store.running("app", "t").orElseThrow();
            assertEquals(id, begun.id());
            assertEquals("app.t", begun.target());
            assertEquals("ADD COLUMN note VARCHAR(64)", begun.alterText());
            assertEquals(Method.COPY, begun.method());
            assertEquals(Phase.SETUP, begun.phase());
            assertEquals(Outcome.RUNNING, begun.outcome());
            assertEquals(ProcessOwner.current(), begun.owner());
            assertEquals("{\"method\":\"copy\"}", begun.plan());
            assertEquals("t_osc_new", begun.shadowTable());
            assertEquals("{\"threads\":2}", begun.settings());
            assertTrue(begun.live());
            assertTrue(begun.startedAt().isAfter(before), begun.startedAt().toString());
            assertNull(begun.finishedAt());
            assertNull(begun.binlogPos());
            assertTrue(store.running("app", "other").isEmpty());
            assertTrue(store.running("other", "t").isEmpty());

            store.update(id, Phase.COPY, progress(400, "replica lag 3s > 1s"));
            MigrationRecord copying = store.find(id).orElseThrow();
            assertEquals(Phase.COPY, copying.phase());
            assertEquals(400, copying.rowsCopied());
            assertEquals(1000, copying.rowsTotal());
            assertEquals(17, copying.changesApplied());
            assertEquals(250.5, copying.rowsPerSecond(), 1e-9);
            assertEquals(0.75, copying.binlogLagSeconds(), 1e-9);
            assertEquals("replica lag 3s > 1s", copying.throttleReason());
            assertFalse(copying.updatedAt().isBefore(begun.updatedAt()));

            store.update(id, Phase.CATCH_UP, progress(1000, ""));
            assertNull(store.find(id).orElseThrow().throttleReason(), "a throttle that ended is cleared");
            assertEquals(Phase.CATCH_UP, store.find(id).orElseThrow().phase());

            store.finish(id, Outcome.FAILED, "checksum differs after 3 rounds");
            assertTrue(store.running("app", "t").isEmpty());
            MigrationRecord failed = store.latest("app", "t").orElseThrow();
            assertEquals(Outcome.FAILED, failed.outcome());
            assertEquals("checksum differs after 3 rounds", failed.error());
            assertTrue(failed.finishedAt() != null && !failed.finishedAt().isBefore(failed.startedAt()));
            assertFalse(failed.stale(), "a finished migration is never stale");

            StateStoreException late = assertThrows(StateStoreException.class,
                    () -> store.update(id, Phase.COPY, progress(1, "")));
            assertTrue(late.getMessage().contains("not recorded as running"), late.getMessage());
            assertThrows(IllegalArgumentException.class, () -> store.finish(id, Outcome.RUNNING, null));
        }
    }

    @Test
    void recentListsNewestFirst() throws Exception {
        StateSchema schema = StateFixture.freshSchema("osc_recent");
        try (StateStore store = new StateStore(StateFixture.config(server), schema)) {
            long a = store.begin(StateFixture.start("app", "a"));
            store.finish(a, Outcome.SUCCEEDED, null);
            long b = store.begin(StateFixture.start("app", "b"));
            store.finish(b, Outcome.ABORTED, "osc abort");
            long a2 = store.begin(StateFixture.start("app", "a"));

            assertEquals(List.of(a2, b, a), store.recent(10).stream().map(MigrationRecord::id).toList());
            assertEquals(List.of(a2, b), store.recent(2).stream().map(MigrationRecord::id).toList());
            assertEquals(List.of(a2, a), store.recent("app", "a", 10).stream().map(MigrationRecord::id).toList());
            assertEquals(List.of(Outcome.RUNNING, Outcome.SUCCEEDED),
                    store.recent("app", "a", 10).stream().map(MigrationRecord::outcome).toList());
            assertThrows(IllegalArgumentException.class, () -> store.recent(0));
        }
    }

    @Test
    void listFiltersByDatabaseAndTableWhenGiven() throws Exception {
        StateSchema schema = StateFixture.freshSchema("osc_list");
        try (StateStore store = new StateStore(StateFixture.config(server), schema)) {
            assertEquals(List.of(), store.list(null, null, 10), "no schema, no rows, and nothing created");
            assertFalse(store.exists());
            long a = store.begin(StateFixture.start("app", "a"));
            long b = store.begin(StateFixture.start("app", "b"));
            long c = store.begin(StateFixture.start("other", "a"));

            assertEquals(List.of(c, b, a), ids(store.list(null, null, 10)));
            assertEquals(List.of(c, b), ids(store.list(null, null, 2)));
            assertEquals(List.of(b, a), ids(store.list("app", null, 10)));
            assertEquals(List.of(a), ids(store.list("app", "a", 10)));
            assertEquals(List.of(c, a), ids(store.list(null, "a", 10)));
            assertThrows(IllegalArgumentException.class, () -> store.list(null, null, 0));
        }
    }

    @Test
    void lastEndedIsTheRunThatEndedLastCountingAStaleOneAsEnded() throws Exception {
        StateSchema schema = StateFixture.freshSchema("osc_ended");
        try (StateStore store = new StateStore(StateFixture.config(server), schema)) {
            assertTrue(store.lastEnded("app", "t").isEmpty());
            long first = store.begin(StateFixture.start("app", "t"));
            long second = store.begin(StateFixture.start("app", "t"));
            assertTrue(store.lastEnded("app", "t").isEmpty(), "two live runs: none has ended");

            // the later run ends first, the earlier one last: the earlier one is the last word
            store.finish(second, Outcome.SUCCEEDED, null);
            assertEquals(second, store.lastEnded("app", "t").orElseThrow().id());
            Thread.sleep(5);
            store.finish(first, Outcome.FAILED, "boom");
            assertEquals(first, store.lastEnded("app", "t").orElseThrow().id());

            long dead = store.begin(StateFixture.start("app", "t"));
            assertEquals(first, store.lastEnded("app", "t").orElseThrow().id(), "a live run has not ended");
            StateFixture.silence(server, schema, dead, 60);
            assertEquals(first, store.lastEnded("app", "t").orElseThrow().id(),
                    "a run that went silent before the last one finished ended before it");
            StateFixture.silence(server, schema, dead, 31);
            try (Connection c = server.connect(null); PreparedStatement ps = c.prepareStatement("UPDATE "
                    + schema.migrations() + " SET finished_at = UTC_TIMESTAMP(6) - INTERVAL 1 HOUR WHERE id IN (?, ?)")) {
                ps.setLong(1, first);
                ps.setLong(2, second);
                ps.executeUpdate();
            }
            MigrationRecord last = store.lastEnded("app", "t").orElseThrow();
            assertEquals(dead, last.id(), "silent after the others finished: it ended last");
            assertTrue(last.stale());
            assertTrue(store.lastEnded("app", "other").isEmpty());
        }
    }

    @Test
    void namingListsTheRowsThatNamedGivenTablesAndServerTimeIsUtc() throws Exception {
        StateSchema schema = StateFixture.freshSchema("osc_named");
        try (StateStore store = new StateStore(StateFixture.config(server), schema)) {
            assertEquals(List.of(), store.naming(null, List.of("t_osc_new")));
            long named = store.begin(StateFixture.start("app", "t"));
            long instant = store.begin(new MigrationStart("app", "u", "ADD COLUMN x INT", Method.INSTANT, Phase.SETUP,
                    null, null, null, null));
            long elsewhere = store.begin(StateFixture.start("other", "t"));
            assertEquals(List.of(elsewhere, named), ids(store.naming(null, List.of("t_osc_new"))));
            assertEquals(List.of(elsewhere, named), ids(store.naming(null, List.of("x", "t_osc_old_20240101_000000"))));
            assertEquals(List.of(named), ids(store.naming("app", List.of("t_osc_new"))));
            assertEquals(List.of(), store.naming("app", List.of("u_osc_new")));
            assertEquals(List.of(), store.naming("app", List.of()));
            assertTrue(store.find(instant).isPresent());

            Instant server = store.serverTime();
            assertTrue(Duration.between(server, Instant.now()).abs().toMinutes() < 5,
                    "the server's UTC clock is near this host's: " + server);
        }
    }

    private static List<Long> ids(List<MigrationRecord> rows) {
        return rows.stream().map(MigrationRecord::id).toList();
    }

    @Test
    void aSilentOwnerIsStaleNotRunning() throws Exception {
        StateSchema schema = StateFixture.freshSchema("osc_stale");
        try (StateStore store = new StateStore(StateFixture.config(server), schema, Duration.ofSeconds(20))) {
            long id = store.begin(StateFixture.start("app", "t"));
            StateFixture.silence(server, schema, id, 15);
            assertTrue(store.running("app", "t").isPresent(), "15s of silence is within the 20s threshold");

            StateFixture.silence(server, schema, id, 25);
            assertTrue(store.running("app", "t").isEmpty(), "25s of silence is beyond the 20s threshold");
            MigrationRecord dead = store.latest("app", "t").orElseThrow();
            assertEquals(id, dead.id());
            assertEquals(Outcome.RUNNING, dead.outcome());
            assertTrue(dead.stale());
            assertFalse(dead.live());

            // its owner coming back to life makes it running again
            store.update(id, Phase.COPY, progress(5, ""));
            assertEquals(id, store.running("app", "t").orElseThrow().id());
        }
        try (StateStore strict = new StateStore(StateFixture.config(server), schema, Duration.ofMillis(300))) {
            Thread.sleep(600);
            assertTrue(strict.running("app", "t").isEmpty(), "the threshold is the store's, not a constant");
        }
    }

    @Test
    void aLostConnectionCostsOneCallNotTheCaller() throws Exception {
        StateSchema schema = StateFixture.freshSchema("osc_lost");
        String user = "st_lost_" + Long.toString(ThreadLocalRandom.current().nextLong(1L << 30, 1L << 40), 36);
        String password = "Pw-" + user;
        server.exec(null, "CREATE USER '" + user + "'@'%' IDENTIFIED BY '" + password + "'",
                "GRANT CREATE, SELECT, INSERT, UPDATE ON `" + schema.name() + "`.* TO '" + user + "'@'%'");
        try (StateStore store = new StateStore(new ConnectionConfig(server.host(), server.port(), user, password), schema)) {
            long id = store.begin(StateFixture.start("app", "t"));
            killSessionsOf(user);

            StateStoreException e = assertThrows(StateStoreException.class,
                    () -> store.update(id, Phase.COPY, progress(10, "")));
            assertTrue(e.getMessage().contains("migration " + id) && e.getMessage().contains(server.port() + ""), e.getMessage());

            store.update(id, Phase.COPY, progress(20, ""));
            assertEquals(20, store.find(id).orElseThrow().rowsCopied());
        } finally {
            server.exec(null, "DROP USER '" + user + "'@'%'");
        }
    }

    @Test
    void anUnreachableServerIsACheckedFailure() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        try (StateStore store = new StateStore(new ConnectionConfig("127.0.0.1", port, "root", "secret-pw"),
                StateSchema.defaultSchema())) {
            StateStoreException e = assertThrows(StateStoreException.class, () -> store.begin(StateFixture.start("app", "t")));
            assertTrue(e.getMessage().contains(String.valueOf(port)), e.getMessage());
            assertFalse(e.getMessage().contains("secret-pw"), e.getMessage());
        }
    }

    private void killSessionsOf(String user) throws SQLException {
        try (Connection c = server.connect(null); PreparedStatement ps = c.prepareStatement(
                "SELECT ID FROM information_schema.PROCESSLIST WHERE USER = ?")) {
            ps.setString(1, user);
            try (ResultSet rs = ps.executeQuery()) {
                int killed = 0;
                while (rs.next()) {
                    server.exec(null, "KILL " + rs.getLong(1));
                    killed++;
                }
                assertEquals(1, killed, "the store keeps one connection");
            }
        }
    }
}
