package dev.osc.engine;

import dev.osc.testing.TestServer;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import java.util.stream.Collectors;

/** Shared steps of the migration tests: configs, filling tables, and comparing tables row by row. */
public final class MigrationFixture {
    private MigrationFixture() {
    }

    /**
     * A config with small chunks, so that even small test tables are copied in many chunks, and the
     * copy path forced.
     */
    public static MigrationConfig.Builder config(TestServer server, String database, String table, String alter) {
        return MigrationConfig.builder()
                .connection(new ConnectionConfig(server.host(), server.port(), server.user(), server.password()))
                .database(database)
                .table(table)
                .alter(alter)
                .initialChunkRows(50)
                .maxChunkRows(200)
                .chunkTime(Duration.ofMillis(20))
                .cutOverBackoff(Duration.ofMillis(100))
                // these tests are about the copy path, and their ALTERs are meant: accept osc's warnings
                .allowInstant(false)
                .accepted(java.util.Set.of("NOT_REVERSIBLE", "DROP_ADD_SAME_TYPE"));
    }

    /** Inserts {@code n} rows with a batch, in one transaction. */
    public static void fill(Connection c, String insertSql, int n, IntFunction<Object[]> row) throws SQLException {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try (PreparedStatement ps = c.prepareStatement(insertSql)) {
            for (int i = 1; i <= n; i++) {
                Object[] values = row.apply(i);
                for (int j = 0; j < values.length; j++) {
                    ps.setObject(j + 1, values[j]);
                }
                ps.addBatch();
                if (i % 500 == 0) {
                    ps.executeBatch();
                }
            }
            ps.executeBatch();
            c.commit();
        } finally {
            c.setAutoCommit(auto);
        }
    }

    /**
     * Every row of the table as text, in primary-key order: each column's bytes in hex (its value
     * exactly, whatever the type), or NULL.
     */
    public static List<String> rows(Connection c, String database, String table) throws SQLException {
        List<String> columns = new ArrayList<>();
        List<String> key = new ArrayList<>();
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SHOW FULL COLUMNS FROM `" + database + "`.`" + table + "`")) {
            while (rs.next()) {
                columns.add(rs.getString("Field"));
                if ("PRI".equals(rs.getString("Key"))) {
                    key.add(rs.getString("Field"));
                }
            }
        }
        String select = columns.stream().map(col -> "COALESCE(HEX(CAST(`" + col + "` AS BINARY)), 'NULL')")
                .collect(Collectors.joining(", '|', "));
        String order = key.stream().map(k -> "`" + k + "`").collect(Collectors.joining(", "));
        List<String> out = new ArrayList<>();
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT CONCAT(" + select + ") FROM `" + database + "`.`" + table
                     + "` ORDER BY " + order)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    /** The rows only one side has, for a readable failure message (assertEquals would print every row). */
    public static String difference(List<String> expected, List<String> actual) {
        java.util.Set<String> missing = new java.util.LinkedHashSet<>(expected);
        actual.forEach(missing::remove);
        java.util.Set<String> extra = new java.util.LinkedHashSet<>(actual);
        expected.forEach(extra::remove);
        return "expected " + expected.size() + " rows, got " + actual.size() + "; missing " + missing.size() + " "
                + missing.stream().limit(3).toList() + "; unexpected " + extra.size() + " " + extra.stream().limit(3).toList();
    }

    /** SHOW CREATE TABLE with the table name and the AUTO_INCREMENT counter taken out. */
    public static String schema(Connection c, String database, String table) throws SQLException {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SHOW CREATE TABLE `" + database + "`.`" + table + "`")) {
            rs.next();
            return rs.getString(2).replaceFirst("CREATE TABLE `[^`]+`", "CREATE TABLE x")
                    .replaceAll(" AUTO_INCREMENT=\\d+", "");
        }
    }

    public static List<String> tables(Connection c, String database) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME")) {
            ps.setString(1, database);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    /** osc's tables (shadow, old, sentry) in the database. */
    public static List<String> oscTables(Connection c, String database) throws SQLException {
        return tables(c, database).stream().filter(t -> t.contains("_osc_")).toList();
    }
}
