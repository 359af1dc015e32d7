package dev.osc.testing;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(TestServerExtension.class)
class TestServerIT {
    private static final String VALID_NAME = "[a-z0-9_]{1,40}";

    private final TestServer server;

    TestServerIT(TestServer server) {
        this.server = server;
    }

    @Test
    void serverWritesRowBinlogWithFullImagesAndMetadata() throws SQLException {
        Map<String, String> vars = new HashMap<>();
        try (Connection c = server.connect(null);
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SHOW GLOBAL VARIABLES WHERE Variable_name IN "
                     + "('log_bin', 'binlog_format', 'binlog_row_image', 'binlog_row_metadata')")) {
            while (rs.next()) {
                vars.put(rs.getString(1).toLowerCase(), rs.getString(2).toUpperCase());
            }
        }
        assertEquals("ON", vars.get("log_bin"));
        assertEquals("ROW", vars.get("binlog_format"));
        assertEquals("FULL", vars.get("binlog_row_image"));
        assertEquals("FULL", vars.get("binlog_row_metadata"));
    }

    @Test
    void createDatabaseGivesDistinctUsableDatabases() throws SQLException {
        String a = server.createDatabase("copy");
        String b = server.createDatabase("copy");
        assertNotEquals(a, b);
        assertTrue(a.matches(VALID_NAME), a);
        assertTrue(b.matches(VALID_NAME), b);

        server.exec(a, "CREATE TABLE t (id INT PRIMARY KEY)", "INSERT INTO t VALUES (1), (2)");
        server.exec(b, "CREATE TABLE t (id INT PRIMARY KEY)", "INSERT INTO t VALUES (3)");
        assertEquals(2, count(a));
        assertEquals(1, count(b));
    }

    @Test
    void databaseNamesAreSafeWhateverThePrefix() throws SQLException {
        String name = server.createDatabase("Schema-Change.Test With A Very Long Prefix Indeed 123");
        assertTrue(name.matches(VALID_NAME), name);
        assertTrue(name.startsWith("schema_change_test_with"), name);
        server.exec(name, "CREATE TABLE t (id INT PRIMARY KEY)");
    }

    @Test
    void oneServerServesTheWholeRun(TestServer injected) {
        assertSame(server, injected);
    }

    @Test
    void jdbcUrlCarriesNoCredentials() {
        String url = server.jdbcUrl("somedb");
        assertTrue(url.startsWith("jdbc:mysql://" + server.host() + ":" + server.port() + "/somedb"), url);
        assertFalse(url.contains("password"), url);
        assertFalse(url.contains("user="), url);
    }

    private int count(String database) throws SQLException {
        try (Connection c = server.connect(database);
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM t")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
