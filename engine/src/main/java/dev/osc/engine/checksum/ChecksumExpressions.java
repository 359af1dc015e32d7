package dev.osc.engine.checksum;

import dev.osc.engine.alter.ColumnMapping;
import dev.osc.engine.db.Sql;
import dev.osc.engine.inspect.Column;

import java.util.ArrayList;
import java.util.List;

/**
 * A per-row hash over the copied columns that comes out the same on the source and the shadow
 * when the values are the same. A column whose type the ALTER changed is normalised on both
 * sides by the new type's family (numbers as DECIMAL(65,30), text as utf8mb4, ...), so a
 * faithful conversion such as INT to BIGINT or latin1 to utf8mb4 compares equal, while a value
 * that changed on the way does not.
 */
public final class ChecksumExpressions {
    private ChecksumExpressions() {
    }

    /**
     * How the rows of a range are summed up: two 32-bit or wider hashes per row, each added up over
     * the range. Added, not XORed: CRCs are linear over XOR, so the XOR of a range's CRCs depends
     * only on the XOR of its rows, and two equal-length rows changed by the same bits, or values
     * swapped between rows, would cancel out.
     */
    public enum RangeSum {
        /** CRC32 and CRC32C (two different polynomials) of each row: MariaDB 10.8 and later. */
        CRC32_AND_CRC32C("CRC32", "CRC32C"),
        /**
         * The first 64 bits of each row's MD5 and its CRC32, where CRC32C is missing (MySQL,
         * MariaDB before 10.8). MD5 costs about three times as much as both CRCs together.
         */
        MD5_AND_CRC32("CONV(LEFT(MD5", "CRC32");

        private final String first;
        private final String second;

        RangeSum(String first, String second) {
            this.first = first;
            this.second = second;
        }

        public static RangeSum of(dev.osc.engine.db.ServerInfo server) {
            return server.mariaDb() && server.atLeast(10, 8) ? CRC32_AND_CRC32C : MD5_AND_CRC32;
        }

        /**
         * {@code COUNT(*)} and the two sums over {@code row} (a {@link #rowValue}), exact (DECIMAL).
         * Each hash is applied to the row once: a derived column would be evaluated once per use.
         */
        public String selectList(String row) {
            String a = this == MD5_AND_CRC32 ? first + "(" + row + "), 16), 16, 10)" : first + "(" + row + ")";
            return "COUNT(*), COALESCE(SUM(" + a + "), 0), COALESCE(SUM(" + second + "(" + row + ")), 0)";
        }
    }

    /** {@code MD5(CONCAT_WS(...))} over one side's columns. */
    public static String rowHash(ColumnMapping mapping, boolean onTarget) {
        return "MD5(" + rowValue(mapping, onTarget) + ")";
    }

    /**
     * {@code CONCAT_WS(...)} of one side's columns, normalised, and a NULL marker per column that
     * can be NULL on either side (CONCAT_WS skips NULLs, so without it {@code (NULL, 'a')} and
     * {@code ('a', NULL)} would look alike; NOT NULL columns need none, which saves a third). Text
     * goes in after its length in bytes (CHAR_LENGTH costs three times as much), so that text moved
     * across a separator ({@code ('x#', 'y')} and {@code ('x', '#y')}) does not look alike either.
     */
    public static String rowValue(ColumnMapping mapping, boolean onTarget) {
        List<String> parts = new ArrayList<>();
        List<String> nulls = new ArrayList<>();
        List<ColumnMapping.Pair> copied = mapping.copied();
        int lastText = -1;
        for (int i = 0; i < copied.size(); i++) {
            if (isText(copied.get(i), onTarget)) {
                lastText = i;
            }
        }
        for (int i = 0; i < copied.size(); i++) {
            ColumnMapping.Pair p = copied.get(i);
            Column col = onTarget ? p.target() : p.source();
            String ref = Sql.quote(col.name());
            String part = p.converted() ? normalizeTo(p.target(), ref) : plain(col, ref);
            // the last text value needs no length: the parts after it never hold the separator,
            // and there are as many of them in every row (NULLs show in the markers)
            if (i < lastText && isText(p, onTarget)) {
                parts.add("LENGTH(" + part + ")");
            }
            parts.add(part);
            if (p.source().nullable() || p.target().nullable()) {
                nulls.add("ISNULL(" + ref + ")");
            }
        }
        if (!nulls.isEmpty()) {
            parts.add("CONCAT(" + String.join(", ", nulls) + ")");
        }
        return "CONCAT_WS('#', " + String.join(", ", parts) + ")";
    }

    /** An unchanged column, made safe to concatenate with columns of other character sets. */
    private static String plain(Column c, String ref) {
        if (c.isBinary() || c.dataType().equals("geometry") || c.dataType().endsWith("point")
                || c.dataType().endsWith("polygon") || c.dataType().endsWith("linestring") || c.dataType().endsWith("collection")) {
            return "HEX(" + ref + ")";
        }
        if (c.isBit()) {
            return "CAST(" + ref + " AS UNSIGNED)";
        }
        // utf8mb4 text goes in as it is (converting it to itself costs a copy per value); other
        // character sets are converted, as some (ucs2, utf16, ...) cannot be concatenated with it
        if (c.isText() && !"utf8mb4".equalsIgnoreCase(c.charset())) {
            return "CONVERT(" + ref + " USING utf8mb4)";
        }
        return ref;
    }

    /** Whether the column goes into the row as text, which may hold the separator. */
    private static boolean isText(ColumnMapping.Pair p, boolean onTarget) {
        return p.converted() ? normalizedAsText(p.target()) : (onTarget ? p.target() : p.source()).isText();
    }

    /** Whether {@link #normalizeTo} compares the column as text. */
    private static boolean normalizedAsText(Column target) {
        return !(target.isInteger() || target.isDecimal() || target.isFloating() || target.isBinary() || target.isBit()
                || target.isTemporal() || target.dataType().equals("year"));
    }

    /** A converted column, normalised by the family of its new type. */
    public static String normalizeTo(Column target, String ref) {
        if (target.isInteger() || target.isDecimal()) {
            return "CAST(" + ref + " AS DECIMAL(65,30))";
        }
        if (target.isFloating()) {
            return "CAST(" + ref + " AS DOUBLE)";
        }
        if (target.isBinary()) {
            return "HEX(" + ref + ")";
        }
        if (target.isBit()) {
            return "CAST(" + ref + " AS UNSIGNED)";
        }
        return switch (target.dataType()) {
            case "date", "datetime", "timestamp" -> "CAST(" + ref + " AS DATETIME(6))";
            case "time" -> "CAST(" + ref + " AS TIME(6))";
            case "year" -> "(" + ref + " + 0)";
            default -> "CONVERT(" + ref + " USING utf8mb4)";
        };
    }
}
