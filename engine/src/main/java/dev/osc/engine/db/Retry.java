package dev.osc.engine.db;

import dev.osc.engine.OscException;

import java.sql.SQLException;

/**
 * Re-runs a unit of work that lost a deadlock or a lock wait to the application. osc's work is
 * always safe to repeat, and yielding to the application is the point.
 */
public final class Retry {
    /** A piece of JDBC work. */
    public interface Work<T> {
        T run() throws SQLException;
    }

    private Retry() {
    }

    public static boolean isTransient(SQLException e) {
        return e.getErrorCode() == 1213 || e.getErrorCode() == 1205;
    }

    /** Runs {@code work} in one transaction on {@code c}, rolling back on any failure. */
    public static <T> T inTransaction(java.sql.Connection c, Work<T> work) throws SQLException {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            T result = work.run();
            c.commit();
            return result;
        } catch (SQLException | RuntimeException e) {
            try {
                c.rollback();
            } catch (SQLException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        } finally {
            c.setAutoCommit(auto);
        }
    }

    public static <T> T onLockConflict(String what, Work<T> work) throws SQLException {
        SQLException last = null;
        for (int attempt = 0; attempt < 10; attempt++) {
            try {
                return work.run();
            } catch (SQLException e) {
                if (!isTransient(e)) {
                    throw e;
                }
                last = e;
                try {
                    Thread.sleep(20L << Math.min(attempt, 6));
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw OscException.failed(what + " was interrupted", ie);
                }
            }
        }
        throw last;
    }
}
