package dev.osc.engine.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.OptionalLong;

/**
 * The server's named locks (GET_LOCK): a run holds one per table it changes, so other sessions can
 * tell whether one is at work and keep out of its way. A lock belongs to the session that took it
 * and ends with that session, so a crashed process never leaves one behind.
 */
public final class NamedLocks {
    private NamedLocks() {
    }

    /** The connection id of the session that holds the lock, or empty when it is free. */
    public static OptionalLong holder(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT IS_USED_LOCK(?)")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    long id = rs.getLong(1);
                    if (!rs.wasNull()) {
                        return OptionalLong.of(id);
                    }
                }
                return OptionalLong.empty();
            }
        }
    }

    /** Takes the lock for this session, waiting up to {@code wait} (whole seconds, rounded up); false when it stayed taken. */
    public static boolean tryLock(Connection c, String name, Duration wait) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT COALESCE(GET_LOCK(?, ?), 0)")) {
            ps.setString(1, name);
            ps.setLong(2, Math.max(0, (wait.toMillis() + 999) / 1000));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getInt(1) == 1;
            }
        }
    }

    public static void release(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT RELEASE_LOCK(?)")) {
            ps.setString(1, name);
            ps.executeQuery().close();
        }
    }
}
