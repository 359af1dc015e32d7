package dev.osc.engine.key;

import dev.osc.engine.alter.ColumnMapping;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The primary key shared by the source and shadow tables, and the SQL predicates built on it.
 * Composite comparisons are spelled out ({@code a > ? OR (a = ? AND b > ?)}) because both
 * servers turn that form into index ranges, which is not true of row constructors everywhere.
 */
public final class PrimaryKey {

    /** A predicate's SQL and, for each placeholder in order, the key part it binds. */
    public record Predicate(String sql, int[] parts) {
        /** Binds {@code key} from parameter index {@code first}; returns the next free index. */
        public int bind(PreparedStatement ps, int first, List<KeyColumn> columns, RowKey key) throws SQLException {
            int i = first;
            for (int part : parts) {
                columns.get(part).bind(ps, i++, key.get(part));
            }
            return i;
        }
    }

    private final List<KeyColumn> columns;

    public PrimaryKey(List<KeyColumn> columns) {
        this.columns = List.copyOf(columns);
    }

    public static PrimaryKey of(ColumnMapping mapping) {
        return new PrimaryKey(mapping.key().stream().map(p -> new KeyColumn(p.source(), p.target())).toList());
    }

    public List<KeyColumn> columns() {
        return columns;
    }

    public int size() {
        return columns.size();
    }

    /** {@code `a`, `b`} on the source, for ORDER BY. */
    public String orderBy() {
        return columns.stream().map(c -> c.column(false)).collect(Collectors.joining(", "));
    }

    /** The key parts as canonical select expressions on the source. */
    public String selectList() {
        return columns.stream().map(KeyColumn::selectExpression).collect(Collectors.joining(", "));
    }

    public RowKey read(ResultSet rs, int firstIndex) throws SQLException {
        Object[] v = new Object[columns.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = columns.get(i).read(rs, firstIndex + i);
        }
        return new RowKey(v);
    }

    /** key &gt; ? in key order. */
    public Predicate greaterThan(boolean onTarget) {
        return compare(i -> columns.get(i).column(onTarget), i -> columns.get(i).placeholder(onTarget), ">", ">");
    }

    /** key &lt;= ? in key order. */
    public Predicate atMost(boolean onTarget) {
        return compare(i -> columns.get(i).column(onTarget), i -> columns.get(i).placeholder(onTarget), "<", "<=");
    }

    /**
     * For each of {@code count} keys given as values (no table involved), where it lies against two
     * watermarks, compared by the server with the source columns' own types and collations: one
     * row per key, its index and 0 (at most {@code copied}), 2 (above {@code handedOut}) or 1
     * (between, or not comparable: a zero date, say). Placeholders: copied's parts (unless
     * {@code copiedNone}), then handedOut's (unless {@code handedOutAll}), then every key's parts in
     * turn.
     *
     * @return the SQL, and the predicates whose parts come first
     */
    public Bands bands(int count, boolean copiedNone, boolean handedOutAll) {
        StringBuilder rows = new StringBuilder();
        for (int k = 0; k < count; k++) {
            rows.append(k == 0 ? "SELECT 0 AS i" : " UNION ALL SELECT " + k);
            for (int i = 0; i < columns.size(); i++) {
                rows.append(", ").append(columns.get(i).value()).append(k == 0 ? " AS k" + i : "");
            }
        }
        java.util.function.IntFunction<String> part = i -> "b.k" + i;
        java.util.function.IntFunction<String> value = i -> columns.get(i).value();
        Predicate atMostCopied = copiedNone ? null : compare(part, value, "<", "<=");
        Predicate aboveHandedOut = handedOutAll ? null : compare(part, value, ">", ">");
        String sql = "SELECT b.i, CASE" + (atMostCopied == null ? "" : " WHEN " + atMostCopied.sql() + " THEN 0")
                + (aboveHandedOut == null ? "" : " WHEN " + aboveHandedOut.sql() + " THEN 2") + " ELSE 1 END FROM (" + rows + ") AS b";
        return new Bands(sql, atMostCopied, aboveHandedOut);
    }

    /** What {@link #bands} builds: its SQL, and the watermark predicates (null when left out) to bind. */
    public record Bands(String sql, Predicate atMostCopied, Predicate aboveHandedOut) {
    }

    private Predicate compare(java.util.function.IntFunction<String> column, java.util.function.IntFunction<String> placeholder,
                              String strict, String last) {
        List<Integer> parts = new ArrayList<>();
        String sql = compareFrom(0, column, placeholder, strict, last, parts);
        return new Predicate("(" + sql + ")", parts.stream().mapToInt(Integer::intValue).toArray());
    }

    private String compareFrom(int i, java.util.function.IntFunction<String> column,
                               java.util.function.IntFunction<String> placeholder, String strict, String last, List<Integer> parts) {
        String col = column.apply(i);
        String ph = placeholder.apply(i);
        if (i == columns.size() - 1) {
            parts.add(i);
            return col + " " + last + " " + ph;
        }
        parts.add(i);
        parts.add(i);
        return col + " " + strict + " " + ph + " OR (" + col + " = " + ph + " AND ("
                + compareFrom(i + 1, column, placeholder, strict, last, parts) + "))";
    }

    /** key IN (the given number of keys). */
    public Predicate in(boolean onTarget, int count) {
        int[] parts = new int[count * columns.size()];
        for (int k = 0; k < count; k++) {
            for (int i = 0; i < columns.size(); i++) {
                parts[k * columns.size() + i] = i;
            }
        }
        if (columns.size() == 1) {
            KeyColumn c = columns.get(0);
            String phs = String.join(", ", java.util.Collections.nCopies(count, c.placeholder(onTarget)));
            return new Predicate(c.column(onTarget) + " IN (" + phs + ")", parts);
        }
        String one = columns.stream().map(c -> c.column(onTarget) + " = " + c.placeholder(onTarget))
                .collect(Collectors.joining(" AND ", "(", ")"));
        return new Predicate("(" + String.join(" OR ", java.util.Collections.nCopies(count, one)) + ")", parts);
    }

    /** Binds every key of {@code keys} for a predicate made by {@link #in}. */
    public int bindAll(PreparedStatement ps, int first, Predicate in, Collection<RowKey> keys) throws SQLException {
        return bindAll(ps, first, keys);
    }

    /** Binds every part of every key in turn, from parameter index {@code first}; returns the next free index. */
    public int bindAll(PreparedStatement ps, int first, Collection<RowKey> keys) throws SQLException {
        int i = first;
        for (RowKey k : keys) {
            for (int part = 0; part < columns.size(); part++) {
                columns.get(part).bind(ps, i++, k.get(part));
            }
        }
        return i;
    }

    /** The key's parts as text, for a checkpoint; {@link #decode} reads it back. */
    public java.util.List<String> encode(RowKey key) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            out.add(columns.get(i).encode(key.get(i)));
        }
        return out;
    }

    public RowKey decode(java.util.List<String> parts) {
        if (parts.size() != columns.size()) {
            throw new IllegalArgumentException("a key of " + parts.size() + " parts for a primary key of " + columns.size());
        }
        Object[] v = new Object[parts.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = columns.get(i).decode(parts.get(i));
        }
        return new RowKey(v);
    }
}
