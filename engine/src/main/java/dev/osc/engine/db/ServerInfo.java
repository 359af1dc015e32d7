package dev.osc.engine.db;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;

/** What kind of server osc talks to, and where its binary log ends now. */
public record ServerInfo(String version, boolean mariaDb) {

    public static ServerInfo read(Connection c) throws SQLException {
        String version = Queries.string(c, "SELECT VERSION()").orElse("");
        return new ServerInfo(version, version.toLowerCase(java.util.Locale.ROOT).contains("mariadb"));
    }

    public String flavor() {
        return mariaDb ? "MariaDB" : "MySQL";
    }

    /** Whether the server's version is at least {@code major.minor} (false when it cannot be read). */
    public boolean atLeast(int major, int minor) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^(\\d+)\\.(\\d+)").matcher(version);
        if (!m.find()) {
            return false;
        }
        int ma = Integer.parseInt(m.group(1));
        return ma > major || ma == major && Integer.parseInt(m.group(2)) >= minor;
    }

    /** A global or session variable, empty when the server does not have it. */
    public static Optional<String> variable(Connection c, String name) throws SQLException {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SHOW VARIABLES LIKE " + Sql.literal(name))) {
            return rs.next() ? Optional.ofNullable(rs.getString(2)) : Optional.empty();
        }
    }

    /**
     * The end of the binary log now. MySQL 8.4 renamed SHOW MASTER STATUS; try the new name first.
     */
    public static BinlogPosition binlogPosition(Connection c) throws SQLException {
        SQLException first = null;
        for (String sql : new String[] {"SHOW BINARY LOG STATUS", "SHOW MASTER STATUS"}) {
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
                if (rs.next()) {
                    return new BinlogPosition(rs.getString(1), rs.getLong(2));
                }
                throw new SQLException("the binary log is off (" + sql + " returned nothing): start the server with log_bin");
            } catch (SQLException e) {
                if (e.getErrorCode() != 1064 || first != null) {
                    throw e;
                }
                first = e;
            }
        }
        throw first;
    }

    /** The binary log files the server still has (SHOW BINARY LOGS), oldest first. */
    public static java.util.List<String> binlogFiles(Connection c) throws SQLException {
        java.util.List<String> files = new java.util.ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SHOW BINARY LOGS")) {
            while (rs.next()) {
                files.add(rs.getString(1));
            }
        }
        return files;
    }
}
