package dev.osc.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * The MySQL or MariaDB server the tests run against, shared by every test in the JVM. Tests get it
 * from {@link TestServerExtension} and keep apart by each working in its own {@link #createDatabase database}.
 */
public final class TestServer {
    private static final int MAX_DATABASE_NAME = 40;
    private static final String SUFFIX_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789";

    private final String host;
    private final int port;
    private final String user;
    private final String password;
    private final Map<String, String> urlParameters;
    private final String version;
    private final AtomicInteger databaseCounter = new AtomicInteger();

    /** Connects once to check that the server answers and to learn what it is. */
    TestServer(String host, int port, String user, String password, Map<String, String> urlParameters) {
        this.host = host;
        this.port = port;
        this.user = user;
        this.password = password;
        this.urlParameters = Map.copyOf(urlParameters);
        this.version = queryVersion();
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

    /** The password, or an empty string when there is none. */
    public String password() {
        return password;
    }

    /** The server's VERSION(), e.g. "10.11.19-MariaDB-0+deb12u1-log" or "8.4.6". */
    public String version() {
        return version;
    }

    public boolean isMariaDb() {
        return version.contains("MariaDB");
    }

    /** A Connector/J URL for {@code database} (null or empty for none), without credentials. */
    public String jdbcUrl(String database) {
        String query = urlParameters.entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining("&"));
        return "jdbc:mysql://" + host + ":" + port + "/" + (database == null ? "" : database)
                + (query.isEmpty() ? "" : "?" + query);
    }

    /** A new connection with the test user (root on a local server), using {@code database} if not null. */
    public Connection connect(String database) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", password);
        return DriverManager.getConnection(jdbcUrl(database), p);
    }

    /**
     * Creates an empty database nobody else uses and returns its name: {@code prefix} made safe
     * (lowercase letters, digits, underscores), a counter and a random suffix, at most 40 characters.
     */
    public String createDatabase(String prefix) throws SQLException {
        String name = databaseName(prefix);
        exec(null, "CREATE DATABASE `" + name + "`");
        return name;
    }

    /** Runs each statement in turn on one connection, using {@code database} if not null. */
    public void exec(String database, String... sql) throws SQLException {
        try (Connection c = connect(database); Statement st = c.createStatement()) {
            for (String s : sql) {
                st.execute(s);
            }
        }
    }

    /** Creates {@code user} with exactly the privileges osc needs on {@code database} (README, PrivilegesCheck). */
    public void createOscUser(String user, String password, String database) throws SQLException {
        exec(null, "CREATE USER '" + user + "'@'%' IDENTIFIED BY '" + password + "'",
                "GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, ALTER, LOCK TABLES, CREATE TEMPORARY TABLES ON `"
                        + database + "`.* TO '" + user + "'@'%'",
                "GRANT REPLICATION SLAVE, " + (isMariaDb() ? "BINLOG MONITOR" : "REPLICATION CLIENT")
                        + " ON *.* TO '" + user + "'@'%'");
    }

    @Override
    public String toString() {
        return "TestServer[" + host + ":" + port + ", " + version + "]";
    }

    private String databaseName(String prefix) {
        String safe = (prefix == null ? "" : prefix).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        if (safe.isEmpty()) {
            safe = "db";
        }
        StringBuilder suffix = new StringBuilder("_").append(databaseCounter.incrementAndGet()).append('_');
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int i = 0; i < 6; i++) {
            suffix.append(SUFFIX_CHARS.charAt(random.nextInt(SUFFIX_CHARS.length())));
        }
        int room = MAX_DATABASE_NAME - suffix.length();
        return safe.substring(0, Math.min(safe.length(), room)) + suffix;
    }

    private String queryVersion() {
        try (Connection c = connect(null);
             Statement st = c.createStatement();
             var rs = st.executeQuery("SELECT VERSION()")) {
            rs.next();
            return rs.getString(1);
        } catch (SQLException e) {
            throw new IllegalStateException("Test server " + host + ":" + port + " does not answer: " + e.getMessage(), e);
        }
    }
}
