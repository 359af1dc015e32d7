package dev.osc.throttler.lag;

import dev.osc.throttler.ConnectionSource;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Writes osc's clock on the primary, so that {@link ReplicaLag} can tell how far behind each
 * replica is: lag = osc's clock now − the value the replica has. Both ends use the same JVM clock,
 * so the measure is free of clock skew between hosts (which is why the value is not the server's
 * {@code NOW()}), and its resolution is the write interval.
 *
 * <p>One row per running migration in {@code <schema>.heartbeat}, keyed by the caller's id. The
 * schema and the table are created if missing. Writes run on a daemon thread every interval over
 * one connection, reopened after a failure; a failed write is tried again at the next tick, logged
 * (once per run of failures) and passed to the optional callback. {@link #close()} stops the
 * writes and deletes the row.
 */
public final class Heartbeat implements AutoCloseable {
    public static final Duration DEFAULT_INTERVAL = Duration.ofMillis(250);

    private static final Logger log = Logger.getLogger(Heartbeat.class.getName());
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);
    private static final int QUERY_TIMEOUT_SECONDS = 10;

    private final ConnectionSource primary;
    private final HeartbeatTable table;
    private final String id;
    private final LongSupplier nowMicros;
    private final Consumer<Exception> onFailure;
    private final ScheduledExecutorService scheduler;
    /** Guards {@link #connection}: the scheduler thread writes with it, {@link #close()} deletes with it. */
    private final Object io = new Object();
    private Connection connection;
    private int failuresInARow;
    private volatile boolean closing;

    private Heartbeat(ConnectionSource primary, HeartbeatTable table, String id, LongSupplier nowMicros,
                      Consumer<Exception> onFailure) {
        this.primary = primary;
        this.table = table;
        this.id = id;
        this.nowMicros = nowMicros;
        this.onFailure = onFailure;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "osc-heartbeat-" + id);
            t.setDaemon(true); // never keeps the JVM alive on its own
            return t;
        });
    }

    /** {@link #start(ConnectionSource, String, String, Duration, Consumer)} every 250 ms, failures only logged. */
    public static Heartbeat start(ConnectionSource primary, String schema, String id) throws SQLException {
        return start(primary, schema, id, DEFAULT_INTERVAL, e -> { });
    }

    /**
     * Creates the table if needed and writes the first beat before returning, so that missing
     * privileges or a wrong schema fail here rather than as lag on every replica.
     *
     * @param schema    the database holding the heartbeat table (created if missing)
     * @param id        this migration's row, 1 to 64 characters
     * @param interval  how often to write
     * @param onFailure told of every failed write (in addition to the log); must not block
     * @throws SQLException if the table cannot be created or the first beat not written
     */
    public static Heartbeat start(ConnectionSource primary, String schema, String id, Duration interval,
                                  Consumer<Exception> onFailure) throws SQLException {
        return start(primary, schema, id, interval, onFailure, EpochMicros::now);
    }

    static Heartbeat start(ConnectionSource primary, String schema, String id, Duration interval,
                           Consumer<Exception> onFailure, LongSupplier nowMicros) throws SQLException {
        Objects.requireNonNull(primary, "primary");
        Objects.requireNonNull(onFailure, "onFailure");
        if (interval == null || interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("Heartbeat interval must be positive: " + interval);
        }
        Heartbeat heartbeat = new Heartbeat(primary, new HeartbeatTable(schema), HeartbeatTable.checkId(id),
                nowMicros, onFailure);
        try {
            heartbeat.createAndWriteFirst();
        } catch (SQLException | RuntimeException e) {
            heartbeat.scheduler.shutdownNow();
            closeQuietly(heartbeat.connection);
            throw e;
        }
        long micros = interval.toNanos() / 1_000;
        heartbeat.scheduler.scheduleAtFixedRate(heartbeat::beat, micros, micros, TimeUnit.MICROSECONDS);
        return heartbeat;
    }

    public String id() {
        return id;
    }

    /** The quoted table name, e.g. {@code `_osc`.`heartbeat`}. */
    public String table() {
        return table.toString();
    }

    private void createAndWriteFirst() throws SQLException {
        connection = primary.open();
        try (Statement st = connection.createStatement()) {
            st.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
            st.execute(table.createSchema());
            st.execute(table.createTable());
        }
        write(connection);
    }

    private void beat() {
        synchronized (io) {
            if (!closing) {
                beatOnce();
            }
        }
    }

    private void beatOnce() {
        try {
            if (connection == null) {
                connection = primary.open();
            }
            write(connection);
            if (failuresInARow > 0) {
                log.info(() -> "Heartbeat " + id + " in " + table + " written again after "
                        + failuresInARow + " failed attempts");
            }
            failuresInARow = 0;
        } catch (Exception e) { // anything thrown out of a scheduled task would end the schedule
            closeQuietly(connection);
            connection = null;
            failuresInARow++;
            // Once per run of failures: at four writes a second a long outage would flood the log.
            log.log(failuresInARow == 1 ? Level.WARNING : Level.FINE,
                    "Heartbeat " + id + " in " + table + " not written (retrying every tick): " + SqlErrors.describe(e));
            try {
                onFailure.accept(e);
            } catch (RuntimeException callbackFailure) {
                log.log(Level.WARNING, "Heartbeat failure callback threw", callbackFailure);
            }
        }
    }

    private void write(Connection c) throws SQLException {
        long micros = nowMicros.getAsLong();
        try (PreparedStatement ps = c.prepareStatement(table.upsert())) {
            ps.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
            ps.setString(1, id);
            ps.setLong(2, micros);
            ps.setLong(3, micros);
            ps.executeUpdate();
        }
    }

    /** Stops the writes and deletes this migration's row; a failure to delete is logged, not thrown. */
    @Override
    public synchronized void close() {
        if (closing) {
            return;
        }
        closing = true;
        scheduler.shutdown();
        try {
            if (!scheduler.awaitTermination(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                scheduler.shutdownNow();
            }
        } catch (InterruptedException e) {
            scheduler.shutdownNow();
            Thread.currentThread().interrupt();
        }
        synchronized (io) {
            deleteRow();
        }
    }

    private void deleteRow() {
        try {
            if (connection == null) {
                connection = primary.open();
            }
            try (PreparedStatement ps = connection.prepareStatement(table.delete())) {
                ps.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
                ps.setString(1, id);
                ps.executeUpdate();
            }
        } catch (SQLException e) {
            log.warning("Heartbeat row " + id + " not deleted from " + table + ": " + SqlErrors.describe(e));
        } finally {
            closeQuietly(connection);
            connection = null;
        }
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
