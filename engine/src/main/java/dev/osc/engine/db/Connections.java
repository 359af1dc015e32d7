package dev.osc.engine.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.osc.engine.ConnectionConfig;
import dev.osc.engine.OscException;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/**
 * Opens osc's connections. Every session osc uses gets the same settings, so values are carried
 * over unchanged whatever the application's defaults are:
 * <ul>
 *   <li>strict sql_mode without NO_ZERO_DATE/NO_ZERO_IN_DATE: a value that does not fit fails
 *       loudly instead of being truncated, while zero dates the source holds still copy;</li>
 *   <li>NO_AUTO_VALUE_ON_ZERO: a row whose AUTO_INCREMENT key is 0 keeps 0;</li>
 *   <li>the server's own time zone, as a plain ALTER would use; UTC only for a table keyed by a
 *       TIMESTAMP column (see {@link ConnectionConfig#withUtcSessions()});</li>
 *   <li>READ COMMITTED: osc's locking reads take record locks only, never gap locks that would
 *       block the application's inserts.</li>
 * </ul>
 */
public final class Connections {
    public static final String SQL_MODE = "STRICT_ALL_TABLES,NO_AUTO_VALUE_ON_ZERO,NO_ENGINE_SUBSTITUTION";

    private Connections() {
    }

    private static Properties properties(ConnectionConfig c) {
        Properties p = new Properties();
        p.setProperty("user", c.user());
        p.setProperty("password", c.password());
        p.setProperty("characterEncoding", "UTF-8");
        p.setProperty("connectTimeout", "10000");
        p.setProperty("tcpKeepAlive", "true");
        p.setProperty("allowPublicKeyRetrieval", "true");
        p.setProperty("sessionVariables", "sql_mode='" + SQL_MODE + "'" + (c.utcSessions() ? ",time_zone='+00:00'" : "")
                + ",innodb_lock_wait_timeout=10");
        return p;
    }

    /** One connection outside any pool, for sessions that hold locks or must be killable. */
    public static Connection open(ConnectionConfig c) {
        try {
            Connection conn = DriverManager.getConnection(c.jdbcUrl(), properties(c));
            conn.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            return conn;
        } catch (SQLException e) {
            throw connectFailure(c, e);
        }
    }

    /** A pool for the copy, apply and checksum work. */
    public static HikariDataSource pool(ConnectionConfig c, String name, int size) {
        HikariConfig hc = new HikariConfig();
        hc.setPoolName("osc-" + name);
        hc.setJdbcUrl(c.jdbcUrl());
        hc.setDataSourceProperties(properties(c));
        hc.setUsername(c.user());
        hc.setPassword(c.password());
        hc.setMaximumPoolSize(size);
        hc.setMinimumIdle(1);
        hc.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
        hc.setConnectionTimeout(30_000);
        hc.setInitializationFailTimeout(-1);
        try {
            return new HikariDataSource(hc);
        } catch (RuntimeException e) {
            throw OscException.server("cannot open a connection pool to " + c.describe() + ": " + e.getMessage(), e);
        }
    }

    /** Turns a failed connect into a message that says what to check. */
    public static OscException connectFailure(ConnectionConfig c, SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String message;
        if (e.getErrorCode() == 1045) {
            message = "access denied for " + c.describe()
                    + ": check the user and the password (OSC_PASSWORD, --password-file or --ask-password)";
        } else if (state.startsWith("08")) {
            message = "cannot reach the server at " + c.host() + ":" + c.port()
                    + ": check --host and --port and that the server is running (" + firstLine(e.getMessage()) + ")";
        } else {
            message = "cannot connect to " + c.describe() + ": " + firstLine(e.getMessage());
        }
        return OscException.server(message, e);
    }

    static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
