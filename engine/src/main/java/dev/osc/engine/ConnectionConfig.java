package dev.osc.engine;

import java.util.Objects;

/**
 * Where and as whom osc connects. The password never appears in {@link #toString()}, in URLs or
 * in messages.
 */
public final class ConnectionConfig {
    private final String host;
    private final int port;
    private final String user;
    private final String password;
    private final boolean utcSessions;

    public ConnectionConfig(String host, int port, String user, String password) {
        this(host, port, user, password, false);
    }

    private ConnectionConfig(String host, int port, String user, String password, boolean utcSessions) {
        if (host == null || host.isBlank()) {
            throw OscException.badInput("--host is empty: give the server's host name or address");
        }
        if (port < 1 || port > 65535) {
            throw OscException.badInput("--port " + port + " is out of range: give a TCP port between 1 and 65535");
        }
        if (user == null || user.isBlank()) {
            throw OscException.badInput("--user is missing: give the MySQL/MariaDB user osc connects as");
        }
        this.host = host;
        this.port = port;
        this.user = user;
        this.password = password == null ? "" : password;
        this.utcSessions = utcSessions;
    }

    /**
     * The same server, with sessions in UTC. osc needs that only for a TIMESTAMP key column, whose
     * ranges must follow instants (no daylight-saving overlap); otherwise sessions keep the server's
     * time zone, so TIMESTAMP conversions and CURRENT_TIMESTAMP defaults come out as a plain ALTER's.
     */
    public ConnectionConfig withUtcSessions() {
        return new ConnectionConfig(host, port, user, password, true);
    }

    public boolean utcSessions() {
        return utcSessions;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public String user() {
        return user;
    }

    /** The password; only for handing to a driver, never for printing. */
    public String password() {
        return password;
    }

    /** A JDBC URL without credentials. */
    public String jdbcUrl() {
        return "jdbc:mysql://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port + "/";
    }

    public String describe() {
        return user + "@" + host + ":" + port;
    }

    @Override
    public String toString() {
        return "ConnectionConfig[" + describe() + ", password=" + (password.isEmpty() ? "none" : "***") + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConnectionConfig c && c.host.equals(host) && c.port == port && c.user.equals(user)
                && c.password.equals(password);
    }

    @Override
    public int hashCode() {
        return Objects.hash(host, port, user);
    }
}
