package dev.osc.throttler.signal;

import dev.osc.throttler.ConnectionSource;
import dev.osc.throttler.Reading;
import dev.osc.throttler.Signal;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.function.IntSupplier;

/**
 * Server load as {@code Threads_running}: above the maximum osc holds back, above the critical
 * level it reads CRITICAL (the throttler aborts when that persists). A level of 0 is off. The
 * levels are suppliers so that {@code osc set} takes effect at the next read.
 */
public final class ThreadsRunning implements Signal, AutoCloseable {
    private final ConnectionSource server;
    private final IntSupplier max;
    private final IntSupplier critical;
    private Connection connection;
    private volatile long last = -1;

    public ThreadsRunning(ConnectionSource server, IntSupplier max, IntSupplier critical) {
        this.server = server;
        this.max = max;
        this.critical = critical;
    }

    @Override
    public Reading read() throws SQLException {
        int maxNow = max.getAsInt();
        int criticalNow = critical.getAsInt();
        if (maxNow <= 0 && criticalNow <= 0) {
            return Reading.OK;
        }
        long running = threadsRunning();
        last = running;
        if (criticalNow > 0 && running > criticalNow) {
            return Reading.critical("threads running " + running + " > critical " + criticalNow);
        }
        if (maxNow > 0 && running > maxNow) {
            return Reading.throttle("threads running " + running + " > " + maxNow);
        }
        return Reading.OK;
    }

    /** The last value read, or -1. */
    public long last() {
        return last;
    }

    private long threadsRunning() throws SQLException {
        for (int attempt = 0; ; attempt++) {
            try {
                if (connection == null || connection.isClosed()) {
                    connection = server.open();
                }
                try (Statement s = connection.createStatement();
                     ResultSet rs = s.executeQuery("SHOW GLOBAL STATUS LIKE 'Threads_running'")) {
                    if (!rs.next()) {
                        throw new SQLException("the server reports no Threads_running");
                    }
                    return Long.parseLong(rs.getString(2));
                }
            } catch (SQLException e) {
                close();
                if (attempt == 1) {
                    throw e;
                }
            }
        }
    }

    @Override
    public String name() {
        return "threads-running";
    }

    @Override
    public void close() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // a broken connection is being discarded anyway
            }
            connection = null;
        }
    }
}
