package dev.osc.engine.plan;

import dev.osc.engine.alter.ColumnMapping;
import dev.osc.engine.db.Sql;
import dev.osc.engine.inspect.Column;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * The data-checked findings the planner runs (issue 3, docs/planning.md), and the small helpers
 * they share for showing values to users.
 */
public final class Findings {
    /** How many affected values or keys a finding lists. */
    static final int EXAMPLES = 5;
    /** How many of them its message repeats. */
    static final int EXAMPLES_IN_MESSAGE = 3;
    private static final int VALUE_WIDTH = 40;
    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9_]+");

    private Findings() {
    }

    /** Blockers about the data first, then the warnings. */
    public static List<FindingCheck> standard() {
        return List.of(new NotNullCheck(), new ValueFitCheck(), new DuplicateKeyCheck(), new DropAddCheck(), new RevertCheck());
    }

    /** A SQL expression that renders {@code ref}, a value of {@code c}'s kind, as text for a user. */
    static String display(Column c, String ref) {
        if (c.isBinary()) {
            return "CONCAT('0x', HEX(" + ref + "))";
        }
        if (c.isBit()) {
            return "CAST(" + ref + " AS UNSIGNED)";
        }
        if (c.isText()) {
            return "CONVERT(" + ref + " USING utf8mb4)";
        }
        if (c.isFloating()) {
            return "CAST(" + ref + " AS DOUBLE)";
        }
        return "CAST(" + ref + " AS CHAR)";
    }

    /** {@code text} (as read from a {@link #display} expression) written as a literal of {@code c}'s kind. */
    static String literal(Column c, String text) {
        if (text == null) {
            return "NULL";
        }
        if (c.isInteger() || c.isDecimal() || c.isFloating() || c.isBit() || c.isBinary() || c.dataType().equals("year")) {
            return text;
        }
        String shown = text.length() > VALUE_WIDTH ? text.substring(0, VALUE_WIDTH - 3) + "..." : text;
        return "'" + shown.replace("'", "''").replace("\n", "\\n").replace("\r", "\\r") + "'";
    }

    /** The primary key's display expressions on the source table aliased {@code alias}. */
    static List<String> keyDisplay(ColumnMapping mapping, String alias) {
        return mapping.key().stream().map(p -> display(p.source(), alias + "." + Sql.quote(p.source().name()))).toList();
    }

    /** {@code `a`, `b`} of the primary key on the source table aliased {@code alias}. */
    static String keyOrder(ColumnMapping mapping, String alias) {
        return String.join(", ", mapping.key().stream().map(p -> alias + "." + Sql.quote(p.source().name())).toList());
    }

    /** {@code id=7} or {@code (a, b)=('x', 3)}, from the key's display values starting at result column {@code first}. */
    static String keyExample(ColumnMapping mapping, ResultSet rs, int first) throws SQLException {
        List<ColumnMapping.Pair> key = mapping.key();
        List<String> names = new ArrayList<>();
        List<String> values = new ArrayList<>();
        for (int i = 0; i < key.size(); i++) {
            names.add(key.get(i).source().name());
            values.add(literal(key.get(i).source(), rs.getString(first + i)));
        }
        return tuple(names) + "=" + tuple(values);
    }

    /** {@code a} alone, {@code (a, b)} for several. */
    static String tuple(List<String> parts) {
        return parts.size() == 1 ? parts.get(0) : "(" + String.join(", ", parts) + ")";
    }

    /** "1 row", "3 rows". */
    static String count(long n, String singular, String plural) {
        return String.format(Locale.ROOT, "%,d %s", n, n == 1 ? singular : plural);
    }

    /** "e.g. x, y, z" with the first few examples. */
    static String eg(List<String> examples) {
        return "e.g. " + String.join(", ", examples.subList(0, Math.min(EXAMPLES_IN_MESSAGE, examples.size())));
    }

    /** A name for a session's TEMPORARY work table that no real table is likely to have. */
    static String workTable(String purpose) {
        return "osc_plan_" + purpose + "_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL);
    }

    /** A character set or collation name from the server, checked before it goes into SQL unquoted. */
    static String safeName(String name) {
        if (name == null || !SAFE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("unexpected character set or collation name: " + name);
        }
        return name;
    }

    /** Sets a non-strict sql_mode for the session and returns the one to restore. */
    static String relaxSqlMode(Connection c) throws SQLException {
        String previous;
        try (PreparedStatement ps = c.prepareStatement("SELECT @@SESSION.sql_mode"); ResultSet rs = ps.executeQuery()) {
            rs.next();
            previous = rs.getString(1);
        }
        try (PreparedStatement ps = c.prepareStatement("SET SESSION sql_mode = ''")) {
            ps.execute();
        }
        return previous;
    }

    static void restoreSqlMode(Connection c, String previous) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SET SESSION sql_mode = ?")) {
            ps.setString(1, previous == null ? "" : previous);
            ps.execute();
        }
    }
}
