package dev.osc.engine.inspect;

import dev.osc.engine.db.Sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads table structure (information_schema and SHOW). Talks to the primary; changes nothing. */
public final class Inspector {
    private static final Pattern LENGTH = Pattern.compile("\\((\\d+)\\)");
    private final Connection connection;
    private final Map<String, String> charsets = new HashMap<>();

    public Inspector(Connection connection) {
        this.connection = connection;
    }

    /** The table, or empty when no base table of that name exists. */
    public Optional<TableInfo> table(String database, String table) throws SQLException {
        String engine;
        long rows;
        long data;
        long index;
        String name;
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT TABLE_NAME, ENGINE, TABLE_ROWS, DATA_LENGTH, INDEX_LENGTH FROM information_schema.TABLES"
                        + " WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND TABLE_TYPE = 'BASE TABLE'")) {
            ps.setString(1, database);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                name = rs.getString(1);
                engine = rs.getString(2);
                rows = rs.getLong(3);
                data = rs.getLong(4);
                index = rs.getLong(5);
            }
        }
        Structure st = structure(database, name);
        return Optional.of(new TableInfo(database, name, engine, st.columns, st.primaryKey, st.prefix, rows, data, index));
    }

    /**
     * The structure of a session's temporary table, which information_schema does not list: the
     * dry run applies the ALTER to one to learn the new columns without creating anything.
     */
    public TableInfo temporaryTable(String database, String table) throws SQLException {
        Structure st = structure(database, table);
        return new TableInfo(database, table, "InnoDB", st.columns, st.primaryKey, st.prefix, 0, 0, 0);
    }

    private record Structure(List<Column> columns, List<String> primaryKey, boolean prefix) {
    }

    /** Columns and primary key through SHOW, which works for temporary tables as well. */
    private Structure structure(String database, String table) throws SQLException {
        List<Column> columns = new ArrayList<>();
        try (Statement st = connection.createStatement();
             ResultSet rs = st.executeQuery("SHOW FULL COLUMNS FROM " + Sql.quote(database, table))) {
            int ordinal = 0;
            while (rs.next()) {
                String type = rs.getString("Type");
                String collation = rs.getString("Collation");
                String extra = rs.getString("Extra") == null ? "" : rs.getString("Extra").toUpperCase(Locale.ROOT);
                String base = type.toLowerCase(Locale.ROOT).split("[ (]", 2)[0];
                columns.add(new Column(rs.getString("Field"), ++ordinal, base, type, charsetOf(collation), collation,
                        "YES".equalsIgnoreCase(rs.getString("Null")),
                        extra.contains("VIRTUAL") || extra.contains("STORED") || extra.contains("PERSISTENT"),
                        binaryLength(base, type), rs.getString("Default"), extra.contains("AUTO_INCREMENT")));
            }
        }
        List<String> pk = new ArrayList<>();
        boolean prefix = false;
        try (Statement st = connection.createStatement();
             ResultSet rs = st.executeQuery("SHOW INDEX FROM " + Sql.quote(database, table))) {
            while (rs.next()) {
                if ("PRIMARY".equals(rs.getString("Key_name"))) {
                    pk.add(rs.getString("Column_name"));
                    rs.getObject("Sub_part");
                    prefix |= !rs.wasNull();
                }
            }
        }
        return new Structure(List.copyOf(columns), List.copyOf(pk), prefix);
    }

    private static long binaryLength(String base, String type) {
        Matcher m = LENGTH.matcher(type);
        return (base.equals("binary") || base.equals("char")) && m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    private String charsetOf(String collation) {
        if (collation == null) {
            return null;
        }
        return charsets.computeIfAbsent(collation, c -> {
            try (PreparedStatement ps = connection.prepareStatement(
                    "SELECT CHARACTER_SET_NAME FROM information_schema.COLLATIONS WHERE COLLATION_NAME = ?")) {
                ps.setString(1, c);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getString(1) : c.split("_", 2)[0];
                }
            } catch (SQLException e) {
                return c.split("_", 2)[0];
            }
        });
    }

    /**
     * The table's definition as SHOW CREATE TABLE gives it, without its name and AUTO_INCREMENT
     * counter, so that two definitions can be compared.
     */
    public String definition(String quotedTable) throws SQLException {
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery("SHOW CREATE TABLE " + quotedTable)) {
            rs.next();
            return rs.getString(2).replaceFirst("CREATE (TEMPORARY )?TABLE `[^`]*(``[^`]*)*`", "CREATE TABLE x")
                    .replaceAll(" AUTO_INCREMENT=\\d+", "").strip();
        }
    }

    /** A SHA-256 of a table definition as {@link #definition} gives it: to tell later that it is unchanged. */
    public static String hash(String definition) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(definition.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The unique keys (the primary key included), each as its lower-case columns with any prefix length. */
    public java.util.Set<List<String>> uniqueKeys(String quotedTable) throws SQLException {
        java.util.Map<String, List<String>> byName = new java.util.LinkedHashMap<>();
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery("SHOW INDEX FROM " + quotedTable)) {
            while (rs.next()) {
                if (rs.getInt("Non_unique") == 0) {
                    String part = rs.getString("Column_name").toLowerCase(Locale.ROOT);
                    String sub = rs.getString("Sub_part");
                    byName.computeIfAbsent(rs.getString("Key_name"), k -> new ArrayList<>()).add(sub == null ? part : part + "(" + sub + ")");
                }
            }
        }
        return new java.util.HashSet<>(byName.values());
    }

    /** Names of the triggers defined on the table. */
    public List<String> triggers(String database, String table) throws SQLException {
        return names("SELECT TRIGGER_NAME FROM information_schema.TRIGGERS"
                + " WHERE EVENT_OBJECT_SCHEMA = ? AND EVENT_OBJECT_TABLE = ? ORDER BY TRIGGER_NAME", database, table);
    }

    /** Foreign keys declared on the table ("name -> referenced table"). */
    public List<String> foreignKeysFrom(String database, String table) throws SQLException {
        return names("SELECT CONCAT(CONSTRAINT_NAME, ' -> ', UNIQUE_CONSTRAINT_SCHEMA, '.', REFERENCED_TABLE_NAME)"
                + " FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = ? AND TABLE_NAME = ?"
                + " ORDER BY CONSTRAINT_NAME", database, table);
    }

    /** Foreign keys of other tables that reference this one ("child table.name"). */
    public List<String> foreignKeysTo(String database, String table) throws SQLException {
        return names("SELECT CONCAT(CONSTRAINT_SCHEMA, '.', TABLE_NAME, '.', CONSTRAINT_NAME)"
                + " FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE UNIQUE_CONSTRAINT_SCHEMA = ?"
                + " AND REFERENCED_TABLE_NAME = ? ORDER BY 1", database, table);
    }

    public boolean tableExists(String database, String table) throws SQLException {
        return !names("SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?",
                database, table).isEmpty();
    }

    public boolean databaseExists(String database) throws SQLException {
        return !names("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?", database).isEmpty();
    }

    private List<String> names(String sql, String... params) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setString(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }
}
