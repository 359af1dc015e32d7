package dev.osc.engine.plan;

import dev.osc.engine.alter.ColumnMapping;
import dev.osc.engine.db.Queries;
import dev.osc.engine.db.Sql;
import dev.osc.engine.inspect.Column;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

/**
 * {@code DUPLICATE_KEY}: a UNIQUE or PRIMARY key of the new table that the existing rows would
 * violate. Keys that a unique key of the table already enforces on the same columns are skipped;
 * for the others the source rows are grouped by the key's values as the new table would hold and
 * compare them: key prefixes as {@code LEFT(col, n)}, a column whose character set or collation
 * changes under the new one, a converted column roughly as its new type ({@link ValueFitCheck}
 * reports lossy conversions exactly). Rows with a NULL in a key column never collide. An added
 * column gives every existing row the same default, so a key on it collides unless the column is
 * AUTO_INCREMENT, generated, NULL by default, or defaults to a value made per row (UUID()).
 */
public final class DuplicateKeyCheck implements FindingCheck {
    public static final String CODE = "DUPLICATE_KEY";
    private static final Pattern LENGTH = Pattern.compile("\\((\\d+)\\)");
    private static final Pattern PRECISION = Pattern.compile("\\((\\d+)(?:,(\\d+))?\\)");
    private static final Pattern PER_ROW_DEFAULT = Pattern.compile("uuid|rand|sys_guid|nextval", Pattern.CASE_INSENSITIVE);

    /** One column of a key; {@code prefix} is the indexed length when only a prefix is indexed. */
    record KeyPart(String column, Integer prefix) {
        String label() {
            return prefix == null ? column : column + "(" + prefix + ")";
        }

        boolean sameColumn(KeyPart o) {
            return column.equalsIgnoreCase(o.column);
        }
    }

    record UniqueKey(String name, List<KeyPart> parts) {
        boolean primary() {
            return name.equals("PRIMARY");
        }

        String describe() {
            return (primary() ? "the primary key" : "unique key " + name) + " ("
                    + String.join(", ", parts.stream().map(KeyPart::label).toList()) + ")";
        }
    }

    /** The UNIQUE and PRIMARY keys on whole columns or prefixes (not on expressions), in SHOW INDEX order. */
    static List<UniqueKey> uniqueKeys(Connection c, String quotedTable) throws SQLException {
        Map<String, TreeMap<Integer, KeyPart>> keys = new LinkedHashMap<>();
        List<String> onExpressions = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SHOW INDEX FROM " + quotedTable)) {
            while (rs.next()) {
                if (rs.getInt("Non_unique") != 0) {
                    continue;
                }
                String name = rs.getString("Key_name");
                String column = rs.getString("Column_name");
                if (column == null) {
                    onExpressions.add(name);
                    continue;
                }
                int sub = rs.getInt("Sub_part");
                Integer prefix = rs.wasNull() ? null : sub;
                keys.computeIfAbsent(name, k -> new TreeMap<>()).put(rs.getInt("Seq_in_index"), new KeyPart(column, prefix));
            }
        }
        List<UniqueKey> out = new ArrayList<>();
        keys.forEach((name, parts) -> {
            if (!onExpressions.contains(name)) {
                out.add(new UniqueKey(name, List.copyOf(parts.values())));
            }
        });
        return out;
    }

    /**
     * Whether rows that differ under {@code strict} always differ under {@code looser}: every
     * part of {@code strict} is in {@code looser}, indexed at least as far. A unique key on
     * {@code strict} then makes {@code looser} unique too.
     */
    static boolean implies(List<KeyPart> strict, List<KeyPart> looser) {
        for (KeyPart s : strict) {
            boolean covered = looser.stream().anyMatch(l -> l.sameColumn(s)
                    && (l.prefix() == null || (s.prefix() != null && l.prefix() >= s.prefix())));
            if (!covered) {
                return false;
            }
        }
        return true;
    }

    /** What an added column puts into every existing row. */
    private record AddedValue(boolean perRow, boolean isNull, String literal) {
    }

    @Override
    public List<Finding> check(FindingContext ctx) throws SQLException {
        Connection c = ctx.connection();
        String src = Sql.quote(ctx.source().database(), ctx.source().name());
        List<UniqueKey> sourceKeys = uniqueKeys(c, src);
        Map<String, ColumnMapping.Pair> byTarget = new HashMap<>();
        ctx.mapping().copied().forEach(p -> byTarget.put(p.target().name().toLowerCase(Locale.ROOT), p));
        Map<String, AddedValue> addedValues = null;
        List<Finding> out = new ArrayList<>();
        keys:
        for (UniqueKey key : uniqueKeys(c, ctx.probe())) {
            List<KeyPart> fromSource = new ArrayList<>();
            List<String> converted = new ArrayList<>();
            for (KeyPart part : key.parts()) {
                ColumnMapping.Pair p = byTarget.get(part.column().toLowerCase(Locale.ROOT));
                if (p != null) {
                    fromSource.add(new KeyPart(p.source().name(), part.prefix()));
                    if (p.converted()) {
                        converted.add(p.source().name().toLowerCase(Locale.ROOT));
                    }
                }
            }
            // a unique key of the table on some of these columns already keeps them apart, unless their type changes
            boolean enforced = sourceKeys.stream().anyMatch(u -> implies(u.parts(), fromSource)
                    && u.parts().stream().noneMatch(part -> converted.contains(part.column().toLowerCase(Locale.ROOT))));
            if (enforced) {
                continue;
            }
            List<String> groupBy = new ArrayList<>();
            List<Column> shownAs = new ArrayList<>();
            List<String> labels = new ArrayList<>();
            List<String> constants = new ArrayList<>();
            List<String> addedNames = new ArrayList<>();
            for (KeyPart part : key.parts()) {
                ColumnMapping.Pair p = byTarget.get(part.column().toLowerCase(Locale.ROOT));
                Column target = ctx.target().column(part.column()).orElse(null);
                if (target == null) {
                    continue keys;
                }
                String expr;
                if (p != null) {
                    String ref = Sql.quote(p.source().name());
                    expr = p.converted() ? asNewType(p.source(), target, ref) : ref;
                } else if (ctx.mapping().added().stream().anyMatch(a -> a.name().equalsIgnoreCase(part.column()))) {
                    if (addedValues == null) {
                        addedValues = addedValues(ctx);
                    }
                    AddedValue v = addedValues.get(target.name().toLowerCase(Locale.ROOT));
                    if (v == null || v.perRow() || v.isNull()) {
                        continue keys;
                    }
                    labels.add(part.label());
                    constants.add(v.literal());
                    addedNames.add(target.name());
                    continue;
                } else {
                    // a column the change leaves alone and does not copy (generated): the source computes it
                    Optional<Column> same = ctx.source().column(part.column());
                    if (same.isEmpty()) {
                        continue keys;
                    }
                    expr = Sql.quote(same.get().name());
                }
                if (part.prefix() != null) {
                    expr = "LEFT(" + expr + ", " + part.prefix() + ")";
                }
                groupBy.add(expr);
                shownAs.add(target);
                labels.add(part.label());
                constants.add(null);
            }
            Finding f = duplicates(ctx, src, key, groupBy, shownAs, labels, constants, addedNames);
            if (f != null) {
                out.add(f);
            }
        }
        return out;
    }

    private static Finding duplicates(FindingContext ctx, String src, UniqueKey key, List<String> groupBy, List<Column> shownAs,
                                      List<String> labels, List<String> constants, List<String> addedNames) throws SQLException {
        List<String> inner = new ArrayList<>();
        List<String> outer = new ArrayList<>();
        List<String> notNull = new ArrayList<>();
        for (int i = 0; i < groupBy.size(); i++) {
            inner.add(groupBy.get(i) + " AS g" + i);
            outer.add(Findings.display(shownAs.get(i), "d.g" + i));
            notNull.add(groupBy.get(i) + " IS NOT NULL");
        }
        inner.add("COUNT(*) AS n");
        outer.add("d.n");
        outer.add("COUNT(*) OVER ()");
        String sql = "SELECT " + String.join(", ", outer) + " FROM (SELECT " + String.join(", ", inner) + " FROM " + src
                + (notNull.isEmpty() ? "" : " WHERE " + String.join(" AND ", notNull))
                + (groupBy.isEmpty() ? "" : " GROUP BY " + String.join(", ", groupBy))
                + " HAVING COUNT(*) > 1) d ORDER BY d.n DESC"
                + (groupBy.isEmpty() ? "" : ", " + String.join(", ", IntStream.range(0, groupBy.size())
                .mapToObj(i -> "d.g" + i).toList()))
                + " LIMIT " + Findings.EXAMPLES;
        long groups = 0;
        List<String> examples = new ArrayList<>();
        try (PreparedStatement ps = ctx.connection().prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                List<String> values = new ArrayList<>();
                int col = 1;
                for (String constant : constants) {
                    values.add(constant != null ? constant : Findings.literal(shownAs.get(col - 1), rs.getString(col++)));
                }
                examples.add(Findings.tuple(labels) + " = " + Findings.tuple(values) + " \u00d7" + rs.getLong(col));
                groups = rs.getLong(col + 1);
            }
        }
        if (groups == 0) {
            return null;
        }
        String what = Findings.count(groups, "key value occurs", "key values occur") + " in more than one row";
        String todo = "remove or change the duplicates first, or do not make the key unique";
        if (!addedNames.isEmpty()) {
            what += ", because every existing row gets the same default in added column"
                    + (addedNames.size() == 1 ? " " : "s ") + String.join(", ", addedNames);
            todo = "add the column without the key, give each row its own value, then add the key"
                    + " (or make the column AUTO_INCREMENT)";
        }
        return new Finding(CODE, Severity.BLOCKER, key.describe() + " would reject the existing rows: " + what
                + " (" + Findings.eg(examples) + "); " + todo, groups, List.copyOf(examples));
    }

    /** The source column's value roughly as the new column type holds and compares it. */
    private static String asNewType(Column from, Column to, String ref) {
        String type = to.columnType().toLowerCase(Locale.ROOT);
        if (to.isText()) {
            String e = "CONVERT(" + ref + " USING " + Findings.safeName(to.charset()) + ") COLLATE "
                    + Findings.safeName(to.collation());
            Matcher m = LENGTH.matcher(type);
            return (to.dataType().equals("char") || to.dataType().equals("varchar")) && m.find()
                    ? "LEFT(" + e + ", " + m.group(1) + ")" : e;
        }
        if (to.isInteger()) {
            return from.isInteger() ? ref : "ROUND(CAST(" + ref + " AS DECIMAL(65,30)))";
        }
        if (to.isDecimal()) {
            Matcher m = PRECISION.matcher(type);
            return m.find() ? "CAST(" + ref + " AS DECIMAL(" + m.group(1) + "," + (m.group(2) == null ? "0" : m.group(2)) + "))"
                    : "CAST(" + ref + " AS DECIMAL(65,30))";
        }
        if (to.isFloating()) {
            return "CAST(" + ref + " AS DOUBLE)";
        }
        Matcher m = LENGTH.matcher(type);
        String fsp = m.find() ? "(" + m.group(1) + ")" : "";
        return switch (to.dataType()) {
            case "date" -> "CAST(" + ref + " AS DATE)";
            case "datetime", "timestamp" -> "CAST(" + ref + " AS DATETIME" + fsp + ")";
            case "time" -> "CAST(" + ref + " AS TIME" + fsp + ")";
            case "binary" -> "CAST(" + ref + " AS BINARY" + fsp + ")";
            case "varbinary" -> fsp.isEmpty() ? "CAST(" + ref + " AS BINARY)" : "LEFT(CAST(" + ref + " AS BINARY), " + m.group(1) + ")";
            default -> ref;
        };
    }

    /**
     * What the added columns of the new table hold in an existing row, learned from the server:
     * one row of defaults goes into an empty copy of the probe with a non-strict sql_mode (as an
     * ALTER fills a NOT NULL column without a default), then the copy is dropped.
     */
    private static Map<String, AddedValue> addedValues(FindingContext ctx) throws SQLException {
        Connection c = ctx.connection();
        Map<String, String[]> showColumns = new HashMap<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SHOW FULL COLUMNS FROM " + ctx.probe())) {
            while (rs.next()) {
                showColumns.put(rs.getString("Field").toLowerCase(Locale.ROOT),
                        new String[] {rs.getString("Extra"), rs.getString("Default")});
            }
        }
        List<Column> added = ctx.mapping().added();
        Map<String, AddedValue> out = new HashMap<>();
        String copy = Sql.quote(ctx.source().database(), Findings.workTable("defaults"));
        try {
            Queries.exec(c, "CREATE TEMPORARY TABLE " + copy + " LIKE " + ctx.probe());
            String mode = Findings.relaxSqlMode(c);
            int inserted;
            try (Statement st = c.createStatement()) {
                inserted = st.executeUpdate("INSERT IGNORE INTO " + copy + " () VALUES ()");
            } finally {
                Findings.restoreSqlMode(c, mode);
            }
            String[] values = new String[added.size()];
            if (inserted == 1 && !added.isEmpty()) {
                List<String> select = added.stream().map(a -> Findings.display(a, Sql.quote(a.name()))).toList();
                try (Statement st = c.createStatement();
                     ResultSet rs = st.executeQuery("SELECT " + String.join(", ", select) + " FROM " + copy)) {
                    if (rs.next()) {
                        for (int i = 0; i < values.length; i++) {
                            values[i] = rs.getString(i + 1);
                        }
                    }
                }
            }
            for (int i = 0; i < added.size(); i++) {
                Column a = added.get(i);
                String[] show = showColumns.getOrDefault(a.name().toLowerCase(Locale.ROOT), new String[] {"", null});
                String extra = show[0] == null ? "" : show[0].toLowerCase(Locale.ROOT);
                boolean perRow = a.generated() || extra.contains("auto_increment")
                        || (show[1] != null && PER_ROW_DEFAULT.matcher(show[1]).find());
                if (inserted == 1) {
                    out.put(a.name().toLowerCase(Locale.ROOT), new AddedValue(perRow, values[i] == null, Findings.literal(a, values[i])));
                } else {
                    // the row was refused (a CHECK constraint?): judge by the declared default
                    boolean isNull = show[1] == null && a.nullable();
                    out.put(a.name().toLowerCase(Locale.ROOT),
                            new AddedValue(perRow, isNull, show[1] == null ? "DEFAULT" : Findings.literal(a, show[1])));
                }
            }
        } finally {
            Queries.exec(c, "DROP TEMPORARY TABLE IF EXISTS " + copy);
        }
        return out;
    }
}
