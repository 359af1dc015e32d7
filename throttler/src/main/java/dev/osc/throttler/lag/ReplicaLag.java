package dev.osc.throttler.lag;

import dev.osc.throttler.ConnectionSource;
import dev.osc.throttler.Reading;
import dev.osc.throttler.Signal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Throttles while any replica is further behind than the threshold, measured with the row that
 * {@link Heartbeat} keeps writing on the primary: lag = osc's clock now − the value the replica
 * has. The reason names the worst replica, e.g. {@code replica lag 3.3s on 127.0.0.1:3307 > 1s}.
 *
 * <p>A replica that cannot be reached, or has no heartbeat row, also throttles ({@code replica lag
 * unknown on ...}): it may be any distance behind. Before the grace period has passed, a missing
 * row is reported as waiting for the first heartbeat (it is still on its way); after it, as a
 * heartbeat that does not arrive, which usually means replication is stopped or filters the schema.
 *
 * <p>Keeps one connection per replica and reopens it at the next read after a failure. Replicas
 * are read one after another, so an unreachable one delays the reading by its connect timeout.
 */
public final class ReplicaLag implements Signal, AutoCloseable {
    public static final Duration DEFAULT_GRACE = Duration.ofSeconds(10);

    private static final int QUERY_TIMEOUT_SECONDS = 5;
    private static final int ER_BAD_DB_ERROR = 1049;
    private static final int ER_NO_SUCH_TABLE = 1146;

    /** A replica to watch: a name for reasons and metrics (such as {@code host:port}) and how to connect to it. */
    public record Replica(String name, ConnectionSource source) {
        public Replica {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(source, "source");
        }
    }

    private final HeartbeatTable table;
    private final String heartbeatId;
    private final List<Replica> replicas;
    private final Supplier<Duration> maxLag;
    private final Duration grace;
    private final LongSupplier nowMicros;
    private final long startedMicros;
    private final Connection[] connections;
    private final Set<String> everSeen = new HashSet<>();
    private volatile Map<String, Optional<Duration>> lastLags;

    /** With the default grace period of 10 s for the first heartbeat. */
    public ReplicaLag(String schema, String heartbeatId, List<Replica> replicas, Supplier<Duration> maxLag) {
        this(schema, heartbeatId, replicas, maxLag, DEFAULT_GRACE);
    }

    /**
     * @param schema      the heartbeat's schema, as given to {@link Heartbeat#start}
     * @param heartbeatId the heartbeat's id, as given to {@link Heartbeat#start}
     * @param replicas    the replicas to watch; with none, every reading is OK
     * @param maxLag      the threshold, asked at every read so that a change applies at once
     * @param grace       how long from now a missing heartbeat counts as still on its way
     */
    public ReplicaLag(String schema, String heartbeatId, List<Replica> replicas, Supplier<Duration> maxLag,
                      Duration grace) {
        this(schema, heartbeatId, replicas, maxLag, grace, EpochMicros::now);
    }

    ReplicaLag(String schema, String heartbeatId, List<Replica> replicas, Supplier<Duration> maxLag,
               Duration grace, LongSupplier nowMicros) {
        this.table = new HeartbeatTable(schema);
        this.heartbeatId = HeartbeatTable.checkId(heartbeatId);
        this.replicas = List.copyOf(replicas);
        this.maxLag = Objects.requireNonNull(maxLag, "maxLag");
        if (grace == null || grace.isNegative()) {
            throw new IllegalArgumentException("Grace period must not be negative: " + grace);
        }
        this.grace = grace;
        this.nowMicros = nowMicros;
        this.startedMicros = nowMicros.getAsLong();
        this.connections = new Connection[this.replicas.size()];
        Map<String, Optional<Duration>> none = new LinkedHashMap<>();
        this.replicas.forEach(r -> none.put(r.name(), Optional.empty()));
        this.lastLags = Collections.unmodifiableMap(none);
    }

    @Override
    public synchronized Reading read() {
        Duration threshold = maxLag.get();
        if (threshold == null || threshold.isNegative()) {
            throw new IllegalStateException("Replica lag threshold must not be negative: " + threshold);
        }
        List<LagMeasurement> measurements = new ArrayList<>(replicas.size());
        Map<String, Optional<Duration>> lags = new LinkedHashMap<>();
        for (int i = 0; i < replicas.size(); i++) {
            LagMeasurement m = measure(i);
            measurements.add(m);
            lags.put(m.replica(), m.knownLag());
        }
        lastLags = Collections.unmodifiableMap(lags);
        return LagVerdict.judge(measurements, threshold);
    }

    @Override
    public String name() {
        return "replica-lag";
    }

    /** Each replica's lag at the last read, in the order given; empty where it was unknown or not read yet. */
    public Map<String, Optional<Duration>> lastLags() {
        return lastLags;
    }

    /** Closes the connections to the replicas. */
    @Override
    public synchronized void close() {
        for (int i = 0; i < connections.length; i++) {
            closeQuietly(connections[i]);
            connections[i] = null;
        }
    }

    private LagMeasurement measure(int i) {
        Replica replica = replicas.get(i);
        try {
            if (connections[i] == null) {
                connections[i] = replica.source().open();
            }
            try (PreparedStatement ps = connections[i].prepareStatement(table.select())) {
                ps.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
                ps.setString(1, heartbeatId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        long written = rs.getLong(1);
                        everSeen.add(replica.name());
                        return LagMeasurement.known(replica.name(),
                                Duration.of(nowMicros.getAsLong() - written, ChronoUnit.MICROS));
                    }
                }
            }
            return noHeartbeat(replica);
        } catch (SQLException e) {
            if (e.getErrorCode() == ER_NO_SUCH_TABLE || e.getErrorCode() == ER_BAD_DB_ERROR) {
                return noHeartbeat(replica); // the CREATE has not reached this replica (yet)
            }
            closeQuietly(connections[i]);
            connections[i] = null;
            return LagMeasurement.unknown(replica.name(), SqlErrors.describe(e));
        } catch (RuntimeException e) {
            closeQuietly(connections[i]);
            connections[i] = null;
            return LagMeasurement.unknown(replica.name(), SqlErrors.describe(e));
        }
    }

    private LagMeasurement noHeartbeat(Replica replica) {
        Duration since = Duration.of(nowMicros.getAsLong() - startedMicros, ChronoUnit.MICROS);
        String where = "'" + heartbeatId + "' in " + table;
        if (everSeen.contains(replica.name())) {
            return LagMeasurement.unknown(replica.name(), "heartbeat row " + where + " is gone");
        }
        if (since.compareTo(grace) < 0) {
            return LagMeasurement.unknown(replica.name(), "waiting for the first heartbeat " + where);
        }
        return LagMeasurement.unknown(replica.name(), "no heartbeat " + where + " after "
                + LagVerdict.formatThreshold(grace) + "; is replication running, and does it include "
                + HeartbeatTable.quote(table.schema()) + "?");
    }

    private static void closeQuietly(Connection c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (SQLException e) {
            // a broken connection cannot be closed cleanly; it is dropped all the same
        }
    }
}
