package dev.osc.throttler.lag;

import dev.osc.throttler.Reading;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLSyntaxErrorException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static dev.osc.throttler.lag.FakeServer.row;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReplicaLagTest {
    private static final String VERSION = "10.11.19-MariaDB";
    private static final long START = 1_700_000_000_000_000L;

    private final AtomicLong now = new AtomicLong(START);
    private final AtomicReference<Duration> threshold = new AtomicReference<>(Duration.ofSeconds(1));

    @Test
    void measuresOscsClockAgainstTheReplicasHeartbeat() {
        FakeServer a = replicaWithHeartbeatAt(START - 300_000);
        FakeServer b = replicaWithHeartbeatAt(START - 3_200_000);
        try (ReplicaLag lag = lag(List.of(new ReplicaLag.Replica("a:3306", a), new ReplicaLag.Replica("b:3307", b)))) {
            Reading r = lag.read();
            assertEquals(Reading.Level.THROTTLE, r.level());
            assertEquals("replica lag 3.2s on b:3307 > 1s", r.reason());
            assertEquals(Map.of("a:3306", Optional.of(Duration.ofMillis(300)), "b:3307", Optional.of(Duration.ofMillis(3_200))),
                    lag.lastLags());
            assertEquals(List.of("a:3306", "b:3307"), List.copyOf(lag.lastLags().keySet()));
        }
    }

    @Test
    void readsTheHeartbeatOfItsOwnIdInTheQuotedSchema() {
        AtomicReference<String> seenSql = new AtomicReference<>();
        AtomicReference<Object> seenId = new AtomicReference<>();
        FakeServer replica = new FakeServer(VERSION).answer((sql, params) -> {
            seenSql.set(sql);
            seenId.set(params.get(0));
            return List.of(row("written_micros", START));
        });
        try (ReplicaLag lag = new ReplicaLag("o`sc", "mig-1", List.of(new ReplicaLag.Replica("r:1", replica)),
                threshold::get, ReplicaLag.DEFAULT_GRACE, now::get)) {
            assertEquals(Reading.OK, lag.read());
        }
        assertEquals("SELECT written_micros FROM `o``sc`.`heartbeat` WHERE id = ?", seenSql.get());
        assertEquals("mig-1", seenId.get());
    }

    @Test
    void aNewThresholdAppliesAtTheNextRead() {
        FakeServer replica = replicaWithHeartbeatAt(START - 1_500_000);
        try (ReplicaLag lag = lag(List.of(new ReplicaLag.Replica("r:3306", replica)))) {
            assertEquals("replica lag 1.5s on r:3306 > 1s", lag.read().reason());
            threshold.set(Duration.ofSeconds(2));
            assertEquals(Reading.OK, lag.read());
        }
    }

    @Test
    void anUnreachableReplicaThrottlesAndIsReconnectedWhenItIsBack() {
        FakeServer replica = replicaWithHeartbeatAt(START);
        replica.refuse(new SQLNonTransientConnectionException("Could not connect",
                "08001", 0, new java.net.ConnectException("Connection refused")));
        try (ReplicaLag lag = lag(List.of(new ReplicaLag.Replica("db9:3306", replica)))) {
            Reading r = lag.read();
            assertEquals(Reading.Level.THROTTLE, r.level());
            assertEquals("replica lag unknown on db9:3306: Could not connect (Connection refused)", r.reason());
            assertEquals(Optional.empty(), lag.lastLags().get("db9:3306"));

            replica.refuse(null);
            assertEquals(Reading.OK, lag.read());
            assertEquals(Reading.OK, lag.read());
            assertEquals(1, replica.opened(), "one connection, kept between reads");
        }
        assertEquals(0, replica.openNow(), "close() closes it");
    }

    @Test
    void aConnectionThatBreaksIsReplacedAtTheNextRead() {
        AtomicReference<Boolean> broken = new AtomicReference<>(false);
        FakeServer replica = new FakeServer(VERSION).answer((sql, params) -> {
            if (broken.get()) {
                throw new SQLException("Communications link failure\n\nThe last packet sent successfully...", "08S01");
            }
            return List.of(row("written_micros", START));
        });
        try (ReplicaLag lag = lag(List.of(new ReplicaLag.Replica("r:3306", replica)))) {
            assertEquals(Reading.OK, lag.read());
            broken.set(true);
            assertEquals("replica lag unknown on r:3306: Communications link failure", lag.read().reason());
            assertEquals(0, replica.openNow(), "the broken connection is closed");
            broken.set(false);
            assertEquals(Reading.OK, lag.read());
            assertEquals(2, replica.opened());
        }
    }

    @Test
    void aMissingHeartbeatThrottlesAsWaitingThenAsNotArriving() {
        FakeServer noRow = new FakeServer(VERSION).answer((sql, params) -> List.of());
        FakeServer noTable = new FakeServer(VERSION).answer((sql, params) -> {
            throw new SQLSyntaxErrorException("Table '_osc.heartbeat' doesn't exist", "42S02", 1146);
        });
        try (ReplicaLag lag = lag(List.of(new ReplicaLag.Replica("a:3306", noRow)))) {
            assertEquals("replica lag unknown on a:3306: waiting for the first heartbeat 'm1' in `_osc`.`heartbeat`",
                    lag.read().reason());
            now.addAndGet(Duration.ofSeconds(11).toNanos() / 1_000);
            assertEquals("replica lag unknown on a:3306: no heartbeat 'm1' in `_osc`.`heartbeat` after 10s;"
                    + " is replication running, and does it include `_osc`?", lag.read().reason());
        }
        try (ReplicaLag lag = lag(List.of(new ReplicaLag.Replica("b:3306", noTable)))) {
            assertTrue(lag.read().reason().startsWith("replica lag unknown on b:3306: waiting for the first heartbeat"));
            lag.read();
            assertEquals(1, noTable.opened(), "a table not replicated yet is no reason to reconnect");
        }
    }

    @Test
    void aRowThatDisappearsIsReportedAsGone() {
        AtomicReference<Boolean> present = new AtomicReference<>(true);
        FakeServer replica = new FakeServer(VERSION).answer((sql, params) ->
                present.get() ? List.of(row("written_micros", START)) : List.of());
        try (ReplicaLag lag = lag(List.of(new ReplicaLag.Replica("r:3306", replica)))) {
            assertEquals(Reading.OK, lag.read());
            present.set(false);
            assertEquals("replica lag unknown on r:3306: heartbeat row 'm1' in `_osc`.`heartbeat` is gone",
                    lag.read().reason());
        }
    }

    @Test
    void withoutReplicasEveryReadingIsOk() {
        try (ReplicaLag lag = lag(List.of())) {
            assertEquals(Reading.OK, lag.read());
            assertEquals(Map.of(), lag.lastLags());
        }
    }

    private ReplicaLag lag(List<ReplicaLag.Replica> replicas) {
        return new ReplicaLag("_osc", "m1", replicas, threshold::get, Duration.ofSeconds(10), now::get);
    }

    private FakeServer replicaWithHeartbeatAt(long micros) {
        return new FakeServer(VERSION).answer((sql, params) -> List.of(row("written_micros", micros)));
    }
}
