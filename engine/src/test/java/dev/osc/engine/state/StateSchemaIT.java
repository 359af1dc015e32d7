package dev.osc.engine.state;

import dev.osc.engine.ConnectionConfig;
import dev.osc.engine.db.Connections;
import dev.osc.testing.TestServer;
import dev.osc.testing.TestServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(TestServerExtension.class)
class StateSchemaIT {
    private final TestServer server;

    StateSchemaIT(TestServer server) {
        this.server = server;
    }

    @Test
    void threeFirstRunsAtOnceCreateOneSchema() throws Exception {
        StateSchema schema = StateFixture.freshSchema("osc_race");
        ConnectionConfig config = StateFixture.config(server);
        CyclicBarrier start = new CyclicBarrier(3);
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<Integer>> runs = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                runs.add(pool.submit(() -> {
                    try (Connection c = Connections.open(config)) {
                        start.await(10, TimeUnit.SECONDS);
                        schema.ensure(c);
                        return schema.installedVersion(c);
                    }
                }));
            }
            for (Future<Integer> run : runs) {
                assertEquals(StateSchema.VERSION, run.get(60, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, StateFixture.number(server, "SELECT COUNT(*) FROM " + schema.schemaVersion()));
        assertEquals(StateSchema.VERSION, StateFixture.number(server, "SELECT version FROM " + schema.schemaVersion()));
        assertEquals(3, StateFixture.number(server, "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?"
                + " AND TABLE_NAME IN ('schema_version', 'migrations', 'control')", schema.name()));
        assertEquals(1, StateFixture.number(server, "SELECT COUNT(*) FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ?"
                + " AND TABLE_NAME = 'migrations' AND INDEX_NAME = 'by_table' AND SEQ_IN_INDEX = 3 AND COLUMN_NAME = 'outcome'",
                schema.name()));
        // the lock is released again: this session can take it at once
        assertEquals(1, StateFixture.number(server, "SELECT GET_LOCK(?, 0)", StateSchema.LOCK_NAME));
    }

    @Test
    void onceCreatedItNeedsNoCreatePrivilege() throws Exception {
        StateSchema schema = StateFixture.freshSchema("osc_nocreate");
        try (Connection c = Connections.open(StateFixture.config(server))) {
            schema.ensure(c);
        }
        String user = "st_user_" + Long.toString(ThreadLocalRandom.current().nextLong(1L << 30, 1L << 40), 36);
        String password = "Pw-" + user;
        server.exec(null, "CREATE USER '" + user + "'@'%' IDENTIFIED BY '" + password + "'",
                "GRANT SELECT, INSERT, UPDATE ON `" + schema.name() + "`.* TO '" + user + "'@'%'");
        try {
            ConnectionConfig limited = new ConnectionConfig(server.host(), server.port(), user, password);
            try (Connection c = Connections.open(limited)) {
                schema.ensure(c);
                assertEquals(StateSchema.VERSION, schema.installedVersion(c));
            }
            // and without CREATE a first use says which privileges are missing
            StateSchema other = StateFixture.freshSchema("osc_nocreate");
            try (Connection c = Connections.open(limited)) {
                StateStoreException e = assertThrows(StateStoreException.class, () -> other.ensure(c));
                assertTrue(e.getMessage().contains("CREATE"), e.getMessage());
            }
        } finally {
            server.exec(null, "DROP USER '" + user + "'@'%'");
        }
    }

    @Test
    void tablesOfANewerOscAreRefused() throws Exception {
        StateSchema schema = StateFixture.freshSchema("osc_newer");
        try (Connection c = Connections.open(StateFixture.config(server))) {
            schema.ensure(c);
            server.exec(null, "INSERT INTO " + schema.schemaVersion() + " VALUES (" + (StateSchema.VERSION + 1)
                    + ", UTC_TIMESTAMP(6))");
            StateStoreException e = assertThrows(StateStoreException.class, () -> schema.ensure(c));
            assertTrue(e.getMessage().contains("newer osc"), e.getMessage());
        }
    }

    @Test
    void aHeldLockIsWaitedForThenReported() throws Exception {
        StateSchema schema = StateFixture.freshSchema("osc_locked");
        try (Connection holder = server.connect(null); Connection c = Connections.open(StateFixture.config(server))) {
            try (var ps = holder.prepareStatement("SELECT GET_LOCK(?, 0)")) {
                ps.setString(1, StateSchema.LOCK_NAME);
                ps.executeQuery().close();
            }
            long t0 = System.nanoTime();
            StateStoreException e = assertThrows(StateStoreException.class, () -> schema.ensure(c, java.time.Duration.ofSeconds(1)));
            assertTrue(System.nanoTime() - t0 >= 900_000_000L, "returned before the wait");
            assertTrue(e.getMessage().contains("another osc"), e.getMessage());
            assertEquals(0, schema.installedVersion(c));
        }
    }
}
