package dev.osc.engine.state;

import dev.osc.engine.ConnectionConfig;
import dev.osc.engine.OscException;
import dev.osc.engine.db.Connections;
import dev.osc.engine.db.Sql;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * The one connection a state class keeps: opened on first use, dropped after any failure and
 * opened again by the next call, so a lost connection costs one call, not the caller. Every
 * failure comes out as a {@link StateStoreException} that names the server and the work.
 */
final class StateConnection implements AutoCloseable {
    /** Longest wait for the server's answer, so bookkeeping never hangs the caller on a dead network. */
    static final int NETWORK_TIMEOUT_MILLIS = 10_000;

    /** Work on the connection. */
    interface Work<T> {
        T run(Connection c) throws SQLException, StateStoreException;
    }

    private final ConnectionConfig config;
    private final StateSchema schema;
    private Connection connection;

    StateConnection(ConnectionConfig config, StateSchema schema) {
        this.config = config;
        this.schema = schema;
    }

    /** Runs {@code work}; {@code what} completes "cannot ..." in the message of a failure. */
    synchronized <T> T call(String what, Work<T> work) throws StateStoreException {
        try {
            return work.run(connection());
        } catch (SQLException e) {
            drop();
            throw new StateStoreException("cannot " + what + " in osc's state schema " + Sql.quote(schema.name()) + " on "
                    + config.describe() + ": " + e.getMessage() + hint(e), e);
        } catch (StateStoreException e) {
            drop();
            throw e;
        }
    }

    private Connection connection() throws StateStoreException {
        if (connection == null) {
            try {
                Connection c = Connections.open(config);
                try {
                    c.setNetworkTimeout(Runnable::run, NETWORK_TIMEOUT_MILLIS);
                } catch (SQLException e) {
                    close(c);
                    throw new StateStoreException("cannot set a network timeout on " + config.describe() + ": "
                            + e.getMessage(), e);
                }
                connection = c;
            } catch (OscException e) {
                // Connections.open already says what to check (host, port, password)
                throw new StateStoreException(e.getMessage(), e);
            }
        }
        return connection;
    }

    private String hint(SQLException e) {
        return isPrivilegeError(e) ? " (grant SELECT, INSERT, UPDATE ON " + Sql.quote(schema.name()) + ".* TO " + config.user()
                + "; the osc that runs migrations needs CREATE too on first use)" : "";
    }

    static boolean isPrivilegeError(SQLException e) {
        // database, table and column access denied
        return e.getErrorCode() == 1044 || e.getErrorCode() == 1142 || e.getErrorCode() == 1143;
    }

    private void drop() {
        if (connection != null) {
            close(connection);
            connection = null;
        }
    }

    private static void close(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // the connection is being given up anyway
        }
    }

    @Override
    public synchronized void close() {
        drop();
    }
}
