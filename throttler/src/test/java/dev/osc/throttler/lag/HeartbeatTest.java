package dev.osc.throttler.lag;

import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HeartbeatTest {
    private static final Duration FAST = Duration.ofMillis(10);

    @Test
    void createsTheTableWritesTheClockAndDeletesTheRowOnClose() throws Exception {
        List<List<Object>> writes = new CopyOnWriteArrayList<>();
        FakeServer primary = new FakeServer("10.11").answer((sql, params) -> {
            if (sql.startsWith("INSERT")) {
                writes.add(params);
            }
            return List.of();
        });
        AtomicLong clock = new AtomicLong(1_000);
        try (Heartbeat hb = Heartbeat.start(primary, "_osc", "m1", FAST, e -> { }, clock::getAndIncrement)) {
            assertEquals("`_osc`.`heartbeat`", hb.table());
            await(() -> writes.size() >= 3);
        }
        List<String> executed = new ArrayList<>(primary.executed);
        assertEquals("CREATE DATABASE IF NOT EXISTS `_osc`", executed.get(0));
        assertTrue(executed.get(1).startsWith("CREATE TABLE IF NOT EXISTS `_osc`.`heartbeat` (id VARCHAR(64) NOT NULL"
                + " PRIMARY KEY, written_micros BIGINT NOT NULL)"), executed.get(1));
        assertEquals("DELETE FROM `_osc`.`heartbeat` WHERE id = ?", executed.get(executed.size() - 1));
        assertEquals(List.of("m1", 1_000L, 1_000L), writes.get(0));
        assertEquals(List.of("m1", 1_001L, 1_001L), writes.get(1));
        assertEquals(0, primary.openNow(), "close() closes the connection");
    }

    @Test
    void aFailedWriteIsToldAndTriedAgainOnANewConnection() throws Exception {
        AtomicBoolean fail = new AtomicBoolean();
        List<Long> written = new CopyOnWriteArrayList<>();
        FakeServer primary = new FakeServer("10.11").answer((sql, params) -> {
            if (sql.startsWith("INSERT")) {
                if (fail.get()) {
                    throw new SQLException("Lost connection to server during query", "08S01");
                }
                written.add((Long) params.get(1));
            }
            return List.of();
        });
        List<Exception> failures = new CopyOnWriteArrayList<>();
        AtomicLong clock = new AtomicLong();
        try (Heartbeat hb = Heartbeat.start(primary, "_osc", "m1", FAST, failures::add, clock::incrementAndGet)) {
            fail.set(true);
            await(() -> failures.size() >= 2);
            int writtenBefore = written.size();
            fail.set(false);
            await(() -> written.size() > writtenBefore + 1);
            assertTrue(primary.opened() >= 3, "reconnects after each failure: " + primary.opened());
            assertEquals("Lost connection to server during query", failures.get(0).getMessage());
        }
    }

    @Test
    void aFailingStartThrowsAndLeavesNoConnection() {
        FakeServer primary = new FakeServer("10.11").answer((sql, params) -> {
            throw new SQLException("CREATE command denied to user 'osc'", "42000", 1142);
        });
        SQLException e = assertThrows(SQLException.class, () -> Heartbeat.start(primary, "_osc", "m1"));
        assertEquals(1142, e.getErrorCode());
        assertEquals(0, primary.openNow());
    }

    @Test
    void rejectsBadArguments() {
        FakeServer primary = new FakeServer("10.11");
        assertThrows(IllegalArgumentException.class, () -> Heartbeat.start(primary, "", "m1"));
        assertThrows(IllegalArgumentException.class, () -> Heartbeat.start(primary, "_osc", "x".repeat(65)));
        assertThrows(IllegalArgumentException.class,
                () -> Heartbeat.start(primary, "_osc", "m1", Duration.ZERO, e -> { }));
        assertEquals(0, primary.opened());
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "not within 10 s");
            Thread.sleep(5);
        }
    }
}
