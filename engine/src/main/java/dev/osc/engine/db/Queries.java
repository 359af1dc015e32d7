package dev.osc.engine.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;

/** Small JDBC helpers so that callers read as the SQL they run. */
public final class Queries {
    private Queries() {
    }

    public static void exec(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    /**
     * lock_wait_timeout takes whole seconds: the wait rounded up, at least one second. Returns the
     * seconds set.
     */
    public static long setLockWaitTimeout(Connection c, java.time.Duration wait) throws SQLException {
        long seconds = lockWaitSeconds(wait);
        exec(c, "SET SESSION lock_wait_timeout = " + seconds);
        return seconds;
    }

    /** A wait in the whole seconds lock_wait_timeout takes, rounded up, at least one. */
    public static long lockWaitSeconds(java.time.Duration wait) {
        return Math.max(1, (wait.toMillis() + 999) / 1000);
    }

    public static Optional<String> string(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
            }
        }
    }

    public static long number(Connection c, String sql, Object... params) throws SQLException {
        return string(c, sql, params).map(Long::parseLong).orElse(0L);
    }
}
