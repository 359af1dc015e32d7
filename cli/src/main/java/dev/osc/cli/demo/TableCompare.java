package dev.osc.cli.demo;

import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Compares two tables with the same columns row by row, over every column, in primary-key order.
 * Both tables are read as ordered streams on two connections at once and merged by key, so
 * missing, extra and differing rows are each counted; nothing is held in memory but the current
 * row of each side. The key must be a single integer column ({@code id}).
 */
public final class TableCompare {
    private static final int EXAMPLES_KEPT = 3;

    /** The outcome; {@code equal()} when the schemas and every row match. */
    public record Result(String schemaProblem, long leftRows, long rightRows, long onlyLeft, long onlyRight,
                         long different, List<String> examples) {
        public boolean equal() {
            return schemaProblem == null && onlyLeft == 0 && onlyRight == 0 && different == 0;
        }
    }

    private TableCompare() {
    }

    public static Result compare(DemoDatabase db, String database, String left, String right) throws SQLException {
        try (Connection a = db.open(); Connection b = db.open()) {
            List<String> columns = columns(a, database, left);
            List<String> rightColumns = columns(a, database, right);
            String schemaProblem = null;
            if (!columns.equals(rightColumns)) {
                schemaProblem = left + " has columns " + columns + " but " + right + " has " + rightColumns;
                return new Result(schemaProblem, 0, 0, 0, 0, 0, List.of());
            }
            String list = String.join(", ", columns.stream().map(c -> "`" + c.split(" ", 2)[0] + "`").toList());
            try (Statement sa = stream(a); Statement sb = stream(b);
                 ResultSet ra = sa.executeQuery("SELECT " + list + " FROM `" + database + "`.`" + left + "` ORDER BY id");
                 ResultSet rb = sb.executeQuery("SELECT " + list + " FROM `" + database + "`.`" + right + "` ORDER BY id")) {
                return merge(ra, rb, columns.size());
            }
        }
    }

    private static Result merge(ResultSet ra, ResultSet rb, int width) throws SQLException {
        long leftRows = 0, rightRows = 0, onlyLeft = 0, onlyRight = 0, different = 0;
        List<String> examples = new ArrayList<>();
        boolean hasA = ra.next();
        boolean hasB = rb.next();
        while (hasA || hasB) {
            int order = !hasA ? 1 : !hasB ? -1 : id(ra).compareTo(id(rb));
            if (order < 0) {
                onlyLeft++;
                leftRows++;
                example(examples, "id " + id(ra) + " only in the migrated table");
                hasA = ra.next();
            } else if (order > 0) {
                onlyRight++;
                rightRows++;
                example(examples, "id " + id(rb) + " only in the control table");
                hasB = rb.next();
            } else {
                for (int i = 1; i <= width; i++) {
                    String x = ra.getString(i);
                    String y = rb.getString(i);
                    if (!Objects.equals(x, y)) {
                        different++;
                        example(examples, "id " + id(ra) + ": column " + ra.getMetaData().getColumnName(i) + " is " + x
                                + " in the migrated table, " + y + " in the control table");
                        break;
                    }
                }
                leftRows++;
                rightRows++;
                hasA = ra.next();
                hasB = rb.next();
            }
        }
        return new Result(null, leftRows, rightRows, onlyLeft, onlyRight, different, List.copyOf(examples));
    }

    private static void example(List<String> examples, String text) {
        if (examples.size() < EXAMPLES_KEPT) {
            examples.add(text);
        }
    }

    private static BigInteger id(ResultSet rs) throws SQLException {
        return new BigInteger(rs.getString("id"));
    }

    /** Column names with their full types, in table order. */
    private static List<String> columns(Connection c, String database, String table) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE,"
                + " COALESCE(COLUMN_DEFAULT, '(none)') FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ?"
                + " AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION")) {
            ps.setString(1, database);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1) + " " + rs.getString(2) + ("NO".equals(rs.getString(3)) ? " NOT NULL" : "")
                            + " DEFAULT " + rs.getString(4));
                }
            }
        }
        return out;
    }

    /** A statement whose result set Connector/J streams row by row instead of loading it whole. */
    private static Statement stream(Connection c) throws SQLException {
        Statement st = c.createStatement(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
        st.setFetchSize(Integer.MIN_VALUE);
        return st;
    }
}
