package dev.osc.engine.plan;

import dev.osc.engine.checksum.ChecksumExpressions;
import dev.osc.engine.alter.ColumnMapping;
import dev.osc.engine.copy.CopyStatements;
import dev.osc.engine.copy.KeyRange;
import dev.osc.engine.copy.RowCopier;
import dev.osc.engine.db.Queries;
import dev.osc.engine.db.Sql;
import dev.osc.engine.inspect.Column;
import dev.osc.engine.key.PrimaryKey;
import dev.osc.engine.key.RowKey;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code VALUE_CHANGE}: values of a column whose type the ALTER changes that would not survive
 * the conversion unchanged (truncated, rounded, clamped, rejected, or not representable in the
 * new character set).
 *
 * <p>The server itself does the conversion. In primary-key chunks, the key and each converted
 * column go twice, from the same read of the row, into a TEMPORARY work table: once as they are
 * and once into a column of the new type (copied from the probe table), with a non-strict
 * sql_mode, so that the server stores what it makes of the value instead of refusing it. Both are
 * then normalised by the new type's family as the checksum does (numbers as DECIMAL(65,30), text
 * as utf8mb4, times as DATETIME(6), ...) and compared byte for byte. So a faithful conversion (INT
 * to BIGINT, latin1 to utf8mb4, a longer VARCHAR, more fractional digits) compares equal, and a
 * value that changed on the way, which would also fail osc's checksum, does not. Text that becomes
 * a number must also read as a number as a whole ('12abc' would become 12). Rows written meanwhile
 * cannot confuse the comparison, and the work table never holds more than one chunk. NULLs are
 * left to {@link NotNullCheck}.
 */
public final class ValueFitCheck implements FindingCheck {
    public static final String CODE = "VALUE_CHANGE";
    /** Rows converted at a time, so that the work table stays small whatever the table's size. */
    static final int CHUNK_ROWS = 10_000;
    private static final String NUMBER = "'^[[:space:]]*[-+]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][-+]?[0-9]+)?[[:space:]]*$'";

    @Override
    public List<Finding> check(FindingContext ctx) throws SQLException {
        ColumnMapping mapping = ctx.mapping();
        List<ColumnMapping.Pair> converted = mapping.copied().stream().filter(ColumnMapping.Pair::converted)
                .filter(p -> !Widening.lossless(p.source(), p.target())).toList();
        if (converted.isEmpty()) {
            return List.of();
        }
        Connection c = ctx.connection();
        String src = Sql.quote(ctx.source().database(), ctx.source().name());
        String fit = Sql.quote(ctx.source().database(), Findings.workTable("fit"));
        List<ColumnMapping.Pair> keyPairs = mapping.key();
        List<String> columns = new ArrayList<>();
        List<String> select = new ArrayList<>();
        List<String> structure = new ArrayList<>();
        List<String> keyDisplay = new ArrayList<>();
        for (int i = 0; i < keyPairs.size(); i++) {
            String source = "s." + Sql.quote(keyPairs.get(i).source().name());
            columns.add("k" + i);
            select.add(source);
            structure.add(source + " AS k" + i);
            keyDisplay.add(Findings.display(keyPairs.get(i).source(), "f.k" + i));
        }
        String keyAliases = String.join(", ", columns);
        // each converted column twice: as it is (o) and converted (c), from the same read of the row
        List<Tally> tallies = new ArrayList<>();
        for (int i = 0; i < converted.size(); i++) {
            String source = "s." + Sql.quote(converted.get(i).source().name());
            columns.add("o" + i);
            columns.add("c" + i);
            select.add(source);
            select.add(source);
            structure.add(source + " AS o" + i);
            structure.add("p." + Sql.quote(converted.get(i).target().name()) + " AS c" + i);
            tallies.add(new Tally(converted.get(i), comparison(fit, keyDisplay, keyAliases, converted.get(i), "f.o" + i, "f.c" + i)));
        }
        PrimaryKey key = PrimaryKey.of(mapping);
        RowCopier bounds = new RowCopier(new CopyStatements(ctx.source().database(), ctx.source().name(), ctx.target().name(),
                mapping, key));
        String insert = "INSERT IGNORE INTO " + fit + " (" + String.join(", ", columns) + ") SELECT " + String.join(", ", select)
                + " FROM " + src + " s FORCE INDEX (PRIMARY) WHERE ";
        int isolation = c.getTransactionIsolation();
        String mode = null;
        try {
            // the new types, exactly as the probe has them; no rows are read
            Queries.exec(c, "CREATE TEMPORARY TABLE " + fit + " (PRIMARY KEY (" + keyAliases + ")) SELECT "
                    + String.join(", ", structure) + " FROM " + src + " s JOIN " + ctx.probe() + " p WHERE FALSE LIMIT 0");
            // INSERT ... SELECT reads the table without locking its rows only in READ COMMITTED
            if (isolation != Connection.TRANSACTION_READ_COMMITTED) {
                c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            }
            mode = Findings.relaxSqlMode(c);
            RowKey lower = null;
            RowKey upper;
            do {
                upper = bounds.boundaryAfter(c, lower, CHUNK_ROWS);
                KeyRange range = new KeyRange(lower, upper);
                try (PreparedStatement ps = c.prepareStatement(insert + range.where(key, false))) {
                    range.bind(key, false, ps, 1);
                    ps.executeUpdate();
                }
                for (Tally t : tallies) {
                    t.add(ctx, mapping);
                }
                Queries.exec(c, "DELETE FROM " + fit);
                lower = upper;
            } while (upper != null);
        } finally {
            try {
                if (mode != null) {
                    Findings.restoreSqlMode(c, mode);
                }
                Queries.exec(c, "DROP TEMPORARY TABLE IF EXISTS " + fit);
            } finally {
                if (isolation != Connection.TRANSACTION_READ_COMMITTED) {
                    c.setTransactionIsolation(isolation);
                }
            }
        }
        List<Finding> out = new ArrayList<>();
        for (Tally t : tallies) {
            if (t.count > 0) {
                out.add(t.finding());
            }
        }
        return out;
    }

    /** The changed values of one column, added up chunk by chunk. */
    private static final class Tally {
        private final ColumnMapping.Pair pair;
        private final String sql;
        private final List<String> examples = new ArrayList<>();
        private long count;

        Tally(ColumnMapping.Pair pair, String sql) {
            this.pair = pair;
            this.sql = sql;
        }

        void add(FindingContext ctx, ColumnMapping mapping) throws SQLException {
            int k = mapping.key().size();
            Column shownAs = shownAs(pair);
            try (PreparedStatement ps = ctx.connection().prepareStatement(sql)) {
                ps.setInt(1, Math.max(1, Findings.EXAMPLES - examples.size()));
                try (ResultSet rs = ps.executeQuery()) {
                    boolean first = true;
                    while (rs.next()) {
                        if (examples.size() < Findings.EXAMPLES) {
                            examples.add(Findings.keyExample(mapping, rs, 1) + ": " + Findings.literal(shownAs, rs.getString(k + 1))
                                    + " -> " + Findings.literal(pair.target(), rs.getString(k + 2)));
                        }
                        if (first) {
                            count += rs.getLong(k + 3);
                            first = false;
                        }
                    }
                }
            }
        }

        Finding finding() {
            Column from = pair.source();
            Column to = pair.target();
            String name = pair.renamed() ? from.name() + " (renamed to " + to.name() + ")" : from.name();
            return new Finding(CODE, Severity.BLOCKER, "column " + name + " changes from " + describe(from) + " to "
                    + describe(to) + ", and " + Findings.count(count, "row holds a value", "rows hold values")
                    + " that would not survive the conversion unchanged (" + Findings.eg(examples) + "): change those values"
                    + " first, or choose a type that holds them", count, List.copyOf(examples));
        }
    }

    /** A float shows what it holds only as a double. */
    private static Column shownAs(ColumnMapping.Pair p) {
        return p.target().isFloating() ? p.target() : p.source();
    }

    /** The rows of the chunk in the work table whose value changed, with their count; one parameter: the LIMIT. */
    private static String comparison(String fit, List<String> keyDisplay, String keyAliases, ColumnMapping.Pair p,
                                     String originalRef, String convertedRef) {
        Column from = p.source();
        Column to = p.target();
        String changed = "NOT (" + normalized(to, originalRef) + " <=> " + normalized(to, convertedRef) + ")";
        if (from.isText() && (to.isInteger() || to.isDecimal() || to.isFloating())) {
            changed = "(" + changed + " OR NOT (" + originalRef + " REGEXP " + NUMBER + "))";
        }
        return "SELECT " + String.join(", ", keyDisplay) + ", " + Findings.display(shownAs(p), originalRef) + ", "
                + Findings.display(to, convertedRef) + ", COUNT(*) OVER () FROM " + fit + " f"
                + " WHERE " + originalRef + " IS NOT NULL AND " + changed + " ORDER BY " + keyAliases + " LIMIT ?";
    }

    private static String describe(Column c) {
        return c.columnType() + (c.charset() != null && c.isText() ? " " + c.charset() : "");
    }

    /**
     * A value of the converted column's new type family, as bytes, so that it equals the source
     * value's exactly when the conversion kept it: the checksum's own normalisation, so that the
     * plan and the checksum never disagree on what counts as the same value.
     */
    private static String normalized(Column target, String ref) {
        return "CAST(" + ChecksumExpressions.normalizeTo(target, ref) + " AS BINARY)";
    }
}
