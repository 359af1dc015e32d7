package dev.osc.engine.throttle;

import dev.osc.engine.db.Sql;
import dev.osc.testing.TestReplica;
import dev.osc.testing.TestServer;
import dev.osc.testing.TestServerExtension;
import dev.osc.throttler.ConnectionSource;
import dev.osc.throttler.Reading;
import dev.osc.throttler.lag.Heartbeat;
import dev.osc.throttler.lag.ReplicaAddress;
import dev.osc.throttler.lag.ReplicaDiscovery;
import dev.osc.throttler.lag.ReplicaLag;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** The replica-lag signal against a real replica whose SQL thread the test stops and starts. */
@ExtendWith(TestServerExtension.class)
class ReplicaLagIT {
    private static final Duration MAX_LAG = Duration.ofSeconds(1);
    private static final Duration WAIT = Duration.ofSeconds(15);

    /** Created by the heartbeat after the replica starts, so that the replica has it too. */
    private final String schema = "osc_lag_" + Long.toString(ThreadLocalRandom.current().nextLong(1L << 30, 1L << 40), 36);
    private final TestServer primary;
    private TestReplica replica;

    ReplicaLagIT(TestServer primary) {
        this.primary = primary;
    }

    @AfterEach
    void stopReplica() throws SQLException {
        if (replica != null) {
            replica.close();
        }
        primary.exec(null, "DROP DATABASE IF EXISTS " + Sql.quote(schema));
    }

    @Test
    void discoveryListsTheReplica() throws Exception {
        replica = TestReplica.start(primary, schema);
        ReplicaAddress expected = new ReplicaAddress("127.0.0.1", replica.port());
        List<ReplicaAddress> found = awaitValue(() -> {
            try (Connection c = primary.connect(null)) {
                return ReplicaDiscovery.discover(c);
            }
        }, list -> list.contains(expected));
        assertTrue(found.contains(expected), found.toString());
    }

    @Test
    void throttlesWhileTheReplicaStopsApplyingAndRecoversWhenItResumes() throws Exception {
        replica = TestReplica.start(primary, schema);
        String id = "lag-" + System.nanoTime();
        ReplicaAddress address;
        try (Connection c = primary.connect(null)) {
            address = ReplicaDiscovery.discover(c).stream()
                    .filter(a -> a.port() == replica.port())
                    .findFirst().orElseThrow(() -> new AssertionError("replica not discovered"));
        }
        try (Heartbeat heartbeat = Heartbeat.start(primarySource(), schema, id);
             ReplicaLag lag = new ReplicaLag(schema, heartbeat.id(),
                     List.of(new ReplicaLag.Replica(address.toString(), source(address))), () -> MAX_LAG)) {
            Reading replicating = awaitReading(lag, Reading::ok);
            assertEquals(Reading.OK, replicating);
            Duration measured = lag.lastLags().get(address.toString()).orElseThrow();
            assertTrue(measured.compareTo(MAX_LAG) < 0, "lag while replicating: " + measured);

            replica.stopSqlThread();
            try {
                Reading behind = awaitReading(lag, r -> !r.ok());
                assertEquals(Reading.Level.THROTTLE, behind.level());
                assertTrue(behind.reason().startsWith("replica lag "), behind.reason());
                assertTrue(behind.reason().matches("replica lag [0-9.]+s on 127\\.0\\.0\\.1:" + replica.port() + " > 1s"),
                        behind.reason());
                assertTrue(lag.lastLags().get(address.toString()).orElseThrow().compareTo(MAX_LAG) > 0);
            } finally {
                replica.startSqlThread();
            }
            assertEquals(Reading.OK, awaitReading(lag, Reading::ok));
        }
        // close() removed this migration's row on the primary
        assertEquals(0, count("SELECT COUNT(*) FROM " + Sql.quote(schema, "heartbeat") + " WHERE id = " + Sql.literal(id)));
    }

    @Test
    void anUnreachableReplicaThrottlesWithTheReason() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            closedPort = s.getLocalPort();
        }
        ReplicaAddress nowhere = new ReplicaAddress("127.0.0.1", closedPort);
        try (ReplicaLag lag = new ReplicaLag(schema, "unreachable",
                List.of(new ReplicaLag.Replica(nowhere.toString(), source(nowhere))), () -> MAX_LAG)) {
            Reading r = lag.read();
            assertEquals(Reading.Level.THROTTLE, r.level());
            assertTrue(r.reason().startsWith("replica lag unknown on 127.0.0.1:" + closedPort + ": "), r.reason());
            assertTrue(r.reason().contains("Connection refused"), r.reason());
            assertFalse(r.reason().contains("\n"), r.reason());
            assertTrue(lag.lastLags().get(nowhere.toString()).isEmpty());
        }
    }

    private ConnectionSource primarySource() {
        return () -> primary.connect(null);
    }

    /** Short timeouts: a replica that hangs must not hold up the signal for long. */
    private static ConnectionSource source(ReplicaAddress address) {
        return () -> {
            Properties p = new Properties();
            p.setProperty("user", "root");
            p.setProperty("password", "");
            p.setProperty("connectTimeout", "2000");
            p.setProperty("socketTimeout", "5000");
            return DriverManager.getConnection("jdbc:mysql://" + address + "/?useSSL=false&allowPublicKeyRetrieval=true", p);
        };
    }

    private static Reading awaitReading(ReplicaLag lag, Predicate<Reading> wanted) throws Exception {
        return awaitValue(lag::read, wanted);
    }

    private static <T> T awaitValue(Attempt<T> attempt, Predicate<T> wanted) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        AtomicReference<T> last = new AtomicReference<>();
        while (System.nanoTime() < deadline) {
            T value = attempt.get();
            last.set(value);
            if (wanted.test(value)) {
                return value;
            }
            Thread.sleep(100);
        }
        return fail("not within " + WAIT.toSeconds() + " s; last: " + last.get());
    }

    @FunctionalInterface
    private interface Attempt<T> {
        T get() throws Exception;
    }

    private long count(String sql) throws SQLException {
        try (Connection c = primary.connect(null); var st = c.createStatement(); var rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
