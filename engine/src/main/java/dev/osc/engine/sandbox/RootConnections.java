package dev.osc.engine.sandbox;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;

/** JDBC connections to a sandbox as root, which has no password there. */
final class RootConnections {

    private RootConnections() {
    }

    static String url(int port) {
        return "jdbc:mysql://127.0.0.1:" + port + "/?useSSL=false&allowPublicKeyRetrieval=true";
    }

    /** Timeouts are explicit so that a port held by something that is not a server cannot hang the caller. */
    static Connection open(int port, Duration connectTimeout, Duration socketTimeout) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "root");
        p.setProperty("password", "");
        p.setProperty("connectTimeout", Long.toString(connectTimeout.toMillis()));
        p.setProperty("socketTimeout", Long.toString(socketTimeout.toMillis()));
        return DriverManager.getConnection(url(port), p);
    }
}
