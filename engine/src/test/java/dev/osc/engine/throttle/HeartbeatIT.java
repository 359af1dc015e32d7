package dev.osc.engine.throttle;

import dev.osc.engine.db.Sql;
import dev.osc.testing.TestServer;
import dev.osc.testing.TestServerExtension;
import dev.osc.throttler.ConnectionSource;
import dev.osc.throttler.lag.Heartbeat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The heartbeat's table and row on a real server. */
@ExtendWith(TestServerExtension.class)
class HeartbeatIT {
    private static final Duration WAIT = Duration.ofSeconds(15);

    private final TestServer server;
    /** A name with a backtick and a hyphen, to prove that it is quoted everywhere. */
    private final String schema = "osc`hb-" + System.nanoTime();

    HeartbeatIT(TestServer server) {
        this.server = server;
    }

    @AfterEach
    void dropSchema() throws SQLException {
        server.exec(null, "DROP DATABASE IF EXISTS " + Sql.quote(schema));
    }

    @Test
    void writesOscsClockRepeatedlyAndDeletesItsRowOnClose() throws Exception {
        long before = micros(Instant.now());
        try (Heartbeat hb = Heartbeat.start(source(), schema, "m1", Duration.ofMillis(50), e -> { })) {
            long first = written("m1").orElseThrow();
            assertTrue(first >= before && first <= micros(Instant.now()), "the JVM's clock in microseconds: " + first);
            await(() -> written("m1").orElse(0) > first);
        }
        assertEquals(OptionalLong.empty(), written("m1"));
    }

    @Test
    void startingAgainReusesTheTableAndKeepsOtherMigrationsRows() throws Exception {
        try (Heartbeat a = Heartbeat.start(source(), schema, "a")) {
            try (Heartbeat b = Heartbeat.start(source(), schema, "b")) {
                assertTrue(written("a").isPresent());
                assertTrue(written("b").isPresent());
            }
            assertTrue(written("a").isPresent());
            assertFalse(written("b").isPresent());
        }
    }

    @Test
    void aKilledConnectionIsReportedAndReplacedAtTheNextTick() throws Exception {
        // Each connection's id, learnt before the heartbeat gets it, so that the test can kill it.
        List<Long> opened = new CopyOnWriteArrayList<>();
        ConnectionSource recording = () -> {
            Connection c = server.connect(null);
            try (var st = c.createStatement(); var rs = st.executeQuery("SELECT CONNECTION_ID()")) {
                rs.next();
                opened.add(rs.getLong(1));
            }
            return c;
        };
        List<Exception> failures = new CopyOnWriteArrayList<>();
        try (Heartbeat hb = Heartbeat.start(recording, schema, "m1", Duration.ofMillis(50), failures::add)) {
            long threadId = opened.get(0);
            server.exec(null, "KILL " + threadId);
            await(() -> !failures.isEmpty());
            long after = written("m1").orElseThrow();
            await(() -> written("m1").orElse(0) > after);
            assertTrue(opened.size() >= 2, "a new connection: " + opened.size());
        }
    }

    private ConnectionSource source() {
        return () -> server.connect(null);
    }

    private OptionalLong written(String id) {
        try (Connection c = server.connect(null);
             PreparedStatement ps = c.prepareStatement(
                     "SELECT written_micros FROM " + Sql.quote(schema, "heartbeat") + " WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long micros(Instant t) {
        return ChronoUnit.MICROS.between(Instant.EPOCH, t);
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "not within " + WAIT.toSeconds() + " s");
            Thread.sleep(20);
        }
    }
}
