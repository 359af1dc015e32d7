package dev.osc.engine.revert;

import dev.osc.engine.alter.ColumnMapping;
import dev.osc.engine.checksum.ChecksumExpressions;
import dev.osc.engine.db.Queries;
import dev.osc.engine.db.Sql;
import dev.osc.engine.inspect.Column;
import dev.osc.engine.inspect.Inspector;
import dev.osc.engine.key.PrimaryKey;
import dev.osc.engine.key.RowKey;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

/**
 * Finds the rows changed since the cut-over that cannot go back into the old table unchanged: a
 * value the old column cannot hold (a longer string, a wider number, more digits, NULL where the old
 * column is NOT NULL...), two rows that the old table's unique keys do not allow together, and new
 * rows that have no value for an old NOT NULL column the ALTER dropped. Rows not changed since the
 * cut-over came from the old table and go back by construction, so only the changed ones are read:
 * the work grows with the writes since the cut-over, not with the table.
 *
 * <p>The server converts: the changed rows are read once (one statement) into a temporary table, so
 * that writes going on meanwhile cannot tell the two sides of the comparison apart; from there they
 * go, mapped back and with a non-strict sql_mode so that the server stores what it makes of each
 * value, into an empty temporary copy of the old table with its unique keys, and each value is
 * compared with its source, normalised by the old column's type family as the checksum does. A row
 * the unique keys reject is not stored, which shows as missing. Only temporary tables are written;
 * it changes nothing.
 */
final class MapBackCheck {
    private static final int CHUNK_KEYS = 1000;
    private static final String SQL_MODE = "NO_AUTO_VALUE_ON_ZERO,NO_ENGINE_SUBSTITUTION";

    private final RevertTarget target;
    private final String current;
    private final String old;
    private final String raw;
    private final String fit;
    private final String changed;

    /** Rows of one kind of problem: up to {@link KeyDisplay#NAMED} keys and how many there are. */
    private static final class Rows {
        final List<String> named = new ArrayList<>();
        long count;

        void add(String key) {
            count++;
            if (named.size() < KeyDisplay.NAMED) {
                named.add(key);
            }
        }
    }

    MapBackCheck(RevertTarget target) {
        this.target = target;
        this.current = Sql.quote(target.database(), target.current().name());
        this.old = Sql.quote(target.database(), target.old().name());
        String suffix = Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL);
        this.raw = Sql.quote(target.database(), "osc_revert_raw_" + suffix);
        this.fit = Sql.quote(target.database(), "osc_revert_fit_" + suffix);
        this.changed = Sql.quote(target.database(), "osc_revert_changed_" + suffix);
    }

    /**
     * Checks the rows of {@code keys} on {@code c} (a session of its own: its sql_mode is changed for
     * the check). Returns one line per problem, empty when every row goes back.
     */
    List<String> problems(Connection c, List<RowKey> keys) throws SQLException {
        Map<String, Rows> byColumn = new LinkedHashMap<>();
        Rows collide = new Rows();
        String mode = Queries.string(c, "SELECT @@SESSION.sql_mode").orElse("");
        try {
            Queries.exec(c, "CREATE TEMPORARY TABLE " + raw + " (PRIMARY KEY (" + target.currentKeyColumns().stream()
                    .map(col -> Sql.quote(col.name())).collect(Collectors.joining(", ")) + ")) SELECT "
                    + target.back().sourceColumnList() + " FROM " + current + " LIMIT 0");
            Queries.exec(c, "CREATE TEMPORARY TABLE " + fit + " LIKE " + old);
            Queries.exec(c, "CREATE TEMPORARY TABLE " + changed + " (PRIMARY KEY (" + keyAliases() + ")) SELECT "
                    + keySelectAs() + " FROM " + old + " LIMIT 0");
            try (PreparedStatement ps = c.prepareStatement("SET SESSION sql_mode = ?")) {
                ps.setString(1, SQL_MODE);
                ps.execute();
            }
            for (int from = 0; from < keys.size(); from += CHUNK_KEYS) {
                List<RowKey> chunk = keys.subList(from, Math.min(keys.size(), from + CHUNK_KEYS));
                record(c, chunk);
                convert(c, chunk);
                compare(c, chunk, byColumn, collide);
            }
            List<String> out = new ArrayList<>();
            byColumn.forEach((column, rows) -> out.add(rows.count + " row(s) hold values that " + column + " cannot take"
                    + " unchanged: " + KeyDisplay.list(rows.named, rows.count)));
            if (collide.count > 0) {
                out.add(collide.count + " row(s) collide on a unique key of " + target.old().name() + " with another row"
                        + " changed since the cut-over: " + KeyDisplay.list(collide.named, collide.count));
            }
            out.addAll(uniqueClashesWithUnchangedRows(c));
            out.addAll(newRowsWithoutValue(c));
            return out;
        } finally {
            try (PreparedStatement ps = c.prepareStatement("SET SESSION sql_mode = ?")) {
                ps.setString(1, mode);
                ps.execute();
            }
            Queries.exec(c, "DROP TEMPORARY TABLE IF EXISTS " + raw);
            Queries.exec(c, "DROP TEMPORARY TABLE IF EXISTS " + fit);
            Queries.exec(c, "DROP TEMPORARY TABLE IF EXISTS " + changed);
        }
    }

    /** The chunk's keys, as old-table keys, for telling unchanged old rows from changed ones. */
    private void record(Connection c, List<RowKey> chunk) throws SQLException {
        PrimaryKey oldKey = target.oldKey();
        String row = "(" + oldKey.columns().stream().map(k -> k.placeholder(false)).collect(Collectors.joining(", ")) + ")";
        String sql = "INSERT IGNORE INTO " + changed + " VALUES " + String.join(", ", java.util.Collections.nCopies(chunk.size(), row));
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            for (RowKey k : chunk) {
                for (int part = 0; part < oldKey.size(); part++) {
                    oldKey.columns().get(part).bind(ps, i++, k.get(part));
                }
            }
            ps.executeUpdate();
        }
    }

    /** The chunk's rows as they are now, read once, then mapped back into the temporary copy of the old table. */
    private void convert(Connection c, List<RowKey> chunk) throws SQLException {
        PrimaryKey key = target.key();
        PrimaryKey.Predicate in = key.in(false, chunk.size());
        String columns = target.back().sourceColumnList();
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + raw + " (" + columns + ") SELECT " + columns
                + " FROM " + current + " WHERE " + in.sql())) {
            key.bindAll(ps, 1, in, chunk);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT IGNORE INTO " + fit + " (" + target.back().targetColumnList()
                + ") SELECT " + columns + " FROM " + raw + " WHERE " + in.sql())) {
            key.bindAll(ps, 1, in, chunk);
            ps.executeUpdate();
        }
    }

    private void compare(Connection c, List<RowKey> chunk, Map<String, Rows> byColumn, Rows collide) throws SQLException {
        List<ColumnMapping.Pair> pairs = target.back().copied();
        Map<RowKey, String[]> now = values(c, raw, target.key(), chunk, pairs, false);
        Map<RowKey, String[]> back = values(c, fit, target.oldKey(), chunk, pairs, true);
        for (Map.Entry<RowKey, String[]> e : now.entrySet()) {
            String[] there = back.get(e.getKey());
            String display = e.getValue()[0];
            if (there == null) {
                collide.add(display);
                continue;
            }
            for (int i = 0; i < pairs.size(); i++) {
                if (!Objects.equals(e.getValue()[i + 1], there[i + 1])) {
                    ColumnMapping.Pair p = pairs.get(i);
                    String column = p.target().name() + " (" + p.target().columnType() + (p.target().nullable() ? "" : " NOT NULL")
                            + " in " + target.old().name() + (p.renamed() ? ", " + p.source().name() + " now" : "")
                            + (p.converted() || p.source().nullable() != p.target().nullable()
                            ? ", now " + p.source().columnType() + (p.source().nullable() ? "" : " NOT NULL") : "") + ")";
                    byColumn.computeIfAbsent(column, x -> new Rows()).add(display);
                }
            }
        }
    }

    /** Per row: its key shown, then each mapped column's value as compared, or null. */
    private Map<RowKey, String[]> values(Connection c, String table, PrimaryKey key, List<RowKey> chunk,
                                         List<ColumnMapping.Pair> pairs, boolean onOld) throws SQLException {
        List<String> select = new ArrayList<>();
        select.add(KeyDisplay.sql(key.columns().stream().map(k -> k.source()).toList(), null));
        for (ColumnMapping.Pair p : pairs) {
            Column col = onOld ? p.target() : p.source();
            String ref = Sql.quote(col.name());
            select.add(p.converted() ? ChecksumExpressions.normalizeTo(p.target(), ref) : "HEX(CAST(" + ref + " AS BINARY))");
        }
        PrimaryKey.Predicate in = key.in(false, chunk.size());
        Map<RowKey, String[]> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT " + key.selectList() + ", " + String.join(", ", select)
                + " FROM " + table + " WHERE " + in.sql())) {
            key.bindAll(ps, 1, in, chunk);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String[] v = new String[pairs.size() + 1];
                    for (int i = 0; i < v.length; i++) {
                        v[i] = rs.getString(key.size() + 1 + i);
                    }
                    out.put(key.read(rs, 1), v);
                }
            }
        }
        return out;
    }

    /**
     * Changed rows whose values on a unique key of the old table (the primary key aside) meet an
     * old row that was not changed since the cut-over, and so will still be there.
     */
    private List<String> uniqueClashesWithUnchangedRows(Connection c) throws SQLException {
        List<String> out = new ArrayList<>();
        List<String> primary = target.oldKeyColumns().stream().map(col -> col.name().toLowerCase(Locale.ROOT)).toList();
        for (List<String> unique : new Inspector(c).uniqueKeys(old)) {
            if (unique.equals(primary)) {
                continue;
            }
            List<String> on = new ArrayList<>();
            for (String part : unique) {
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("^(.*)\\((\\d+)\\)$").matcher(part);
                if (m.matches()) {
                    on.add("LEFT(f." + Sql.quote(m.group(1)) + ", " + m.group(2) + ") = LEFT(o." + Sql.quote(m.group(1))
                            + ", " + m.group(2) + ")");
                } else {
                    on.add("f." + Sql.quote(part) + " = o." + Sql.quote(part));
                }
            }
            List<String> unchanged = new ArrayList<>();
            List<Column> keyColumns = target.oldKeyColumns();
            for (int i = 0; i < keyColumns.size(); i++) {
                unchanged.add("ch." + Sql.quote("k" + i) + " = o." + Sql.quote(keyColumns.get(i).name()));
            }
            Rows rows = new Rows();
            try (PreparedStatement ps = c.prepareStatement("SELECT " + KeyDisplay.sql(keyColumns, "f") + " FROM " + fit
                    + " AS f JOIN " + old + " AS o ON " + String.join(" AND ", on) + " WHERE NOT EXISTS (SELECT 1 FROM "
                    + changed + " AS ch WHERE " + String.join(" AND ", unchanged) + ")");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(rs.getString(1));
                }
            }
            if (rows.count > 0) {
                out.add(rows.count + " row(s) repeat the values of unique key (" + String.join(", ", unique) + ") of "
                        + target.old().name() + " that a row not changed since the cut-over holds: "
                        + KeyDisplay.list(rows.named, rows.count));
            }
        }
        return out;
    }

    /** New rows, where an old NOT NULL column without a default that the ALTER dropped would get no value. */
    private List<String> newRowsWithoutValue(Connection c) throws SQLException {
        List<Column> needed = target.kept().stream()
                .filter(col -> !col.nullable() && col.defaultValue() == null && !col.autoIncrement()).toList();
        if (needed.isEmpty()) {
            return List.of();
        }
        List<Column> keyColumns = target.oldKeyColumns();
        List<String> same = new ArrayList<>();
        for (Column k : keyColumns) {
            same.add("o." + Sql.quote(k.name()) + " = f." + Sql.quote(k.name()));
        }
        Rows rows = new Rows();
        try (PreparedStatement ps = c.prepareStatement("SELECT " + KeyDisplay.sql(keyColumns, "f") + " FROM " + fit
                + " AS f WHERE NOT EXISTS (SELECT 1 FROM " + old + " AS o WHERE " + String.join(" AND ", same) + ")");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
        }
        if (rows.count == 0) {
            return List.of();
        }
        return List.of(rows.count + " row(s) inserted since the cut-over have no value for "
                + needed.stream().map(Column::name).collect(Collectors.joining(", ")) + ", which the ALTER dropped and which is"
                + " NOT NULL without a default in " + target.old().name() + ": " + KeyDisplay.list(rows.named, rows.count));
    }

    private String keyAliases() {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < target.key().size(); i++) {
            out.add(Sql.quote("k" + i));
        }
        return String.join(", ", out);
    }

    private String keySelectAs() {
        List<String> out = new ArrayList<>();
        List<Column> keyColumns = target.oldKeyColumns();
        for (int i = 0; i < keyColumns.size(); i++) {
            out.add(Sql.quote(keyColumns.get(i).name()) + " AS " + Sql.quote("k" + i));
        }
        return String.join(", ", out);
    }
}
