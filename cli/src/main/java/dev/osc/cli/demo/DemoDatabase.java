package dev.osc.cli.demo;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/** Opens root connections to the demo's sandbox server (root has no password there). */
public final class DemoDatabase {
    private final String url;

    /** @param jdbcUrl the sandbox's URL, e.g. {@code SandboxServer.jdbcUrl()} */
    public DemoDatabase(String jdbcUrl) {
        this.url = jdbcUrl;
    }

    public Connection open() throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "root");
        p.setProperty("password", "");
        p.setProperty("connectTimeout", "10000");
        return DriverManager.getConnection(url, p);
    }
}
