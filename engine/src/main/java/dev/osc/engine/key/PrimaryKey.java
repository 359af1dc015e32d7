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
        return compare(onTarget, ">", ">");
    }

    /** key &lt;= ? in key order. */
    public Predicate atMost(boolean onTarget) {
        return compare(onTarget, "<", "<=");
    }

    private Predicate compare(boolean onTarget, String strict, String last) {
        List<Integer> parts = new ArrayList<>();
        String sql = compareFrom(0, onTarget, strict, last, parts);
        return new Predicate("(" + sql + ")", parts.stream().mapToInt(Integer::intValue).toArray());
    }

    private String compareFrom(int i, boolean onTarget, String strict, String last, List<Integer> parts) {
        KeyColumn c = columns.get(i);
        String col = c.column(onTarget);
        String ph = c.placeholder(onTarget);
        if (i == columns.size() - 1) {
            parts.add(i);
            return col + " " + last + " " + ph;
        }
        parts.add(i);
        parts.add(i);
        return col + " " + strict + " " + ph + " OR (" + col + " = " + ph + " AND ("
                + compareFrom(i + 1, onTarget, strict, last, parts) + "))";
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
