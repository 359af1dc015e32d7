package dev.osc.engine.plan;

import dev.osc.engine.alter.ColumnMapping;
import dev.osc.engine.db.Sql;
import dev.osc.engine.inspect.Column;

import java.math.BigInteger;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code NOT_REVERSIBLE}: parts of the change that rows written after the swap could not be
 * carried back through, so a later {@code osc revert} to the old table would fail or lose data:
 * a dropped column (its values for new rows exist nowhere), a column whose new type holds values
 * the old one cannot (a wider integer, a longer string, a larger character set, more digits or
 * fractional seconds, new ENUM labels, a change of kind), a column that becomes nullable, and a
 * unique key that is dropped or loosened. Added columns and indexes are fine: the old table
 * simply lacks them. The judgement is by type; it is conservative, so a warning may name a
 * conversion that would in fact go back for every value.
 */
public final class RevertCheck implements FindingCheck {
    public static final String CODE = "NOT_REVERSIBLE";
    private static final Pattern LENGTH = Pattern.compile("\\((\\d+)\\)");
    private static final Pattern PRECISION = Pattern.compile("\\((\\d+)(?:,(\\d+))?\\)");
    private static final Pattern LABEL = Pattern.compile("'((?:[^']|'')*)'");
    private static final Map<String, Integer> INTEGER_BITS = Map.of("tinyint", 8, "smallint", 16, "mediumint", 24,
            "int", 32, "integer", 32, "bigint", 64);
    private static final Map<String, Long> TEXT_BYTES = Map.of("tinytext", 255L, "text", 65_535L, "mediumtext", 16_777_215L,
            "longtext", 4_294_967_295L, "tinyblob", 255L, "blob", 65_535L, "mediumblob", 16_777_215L, "longblob", 4_294_967_295L);
    private static final String ACCEPT = "accept NOT_REVERSIBLE if you will not revert this change";

    @Override
    public List<Finding> check(FindingContext ctx) throws SQLException {
        List<Finding> out = new ArrayList<>();
        for (Column d : ctx.mapping().dropped()) {
            if (!d.generated()) {
                out.add(Finding.warning(CODE, "column " + d.name() + " is dropped, so a later osc revert could not give rows"
                        + " written after the swap their values of " + d.name() + " (they would get its default or NULL): "
                        + ACCEPT + ", or drop the column in a later change once you are sure"));
            }
        }
        for (ColumnMapping.Pair p : ctx.mapping().copied()) {
            List<String> why = new ArrayList<>();
            if (p.converted()) {
                String widened = widened(p.source(), p.target());
                if (widened != null) {
                    why.add("changes from " + describe(p.source()) + " to " + describe(p.target()) + ", " + widened);
                }
            }
            if (!p.source().nullable() && p.target().nullable()) {
                why.add("becomes nullable while the old column is NOT NULL");
            }
            if (!why.isEmpty()) {
                String name = p.renamed() ? p.source().name() + " (renamed to " + p.target().name() + ")" : p.source().name();
                out.add(Finding.warning(CODE, "column " + name + " " + String.join(" and ", why) + ", so a later osc revert"
                        + " would fail on rows written after the swap that hold such values: " + ACCEPT));
            }
        }
        out.addAll(loosenedUniqueKeys(ctx));
        return out;
    }

    /** Source unique keys that no unique key of the new table enforces any more. */
    private static List<Finding> loosenedUniqueKeys(FindingContext ctx) throws SQLException {
        Map<String, ColumnMapping.Pair> byTarget = new HashMap<>();
        ctx.mapping().copied().forEach(p -> byTarget.put(p.target().name().toLowerCase(Locale.ROOT), p));
        List<List<DuplicateKeyCheck.KeyPart>> newKeys = new ArrayList<>();
        targets:
        for (DuplicateKeyCheck.UniqueKey k : DuplicateKeyCheck.uniqueKeys(ctx.connection(), ctx.probe())) {
            List<DuplicateKeyCheck.KeyPart> parts = new ArrayList<>();
            for (DuplicateKeyCheck.KeyPart part : k.parts()) {
                ColumnMapping.Pair p = byTarget.get(part.column().toLowerCase(Locale.ROOT));
                if (p == null) {
                    continue targets;
                }
                if (!comparesAsStrictly(p.source(), p.target())) {
                    continue targets;
                }
                parts.add(new DuplicateKeyCheck.KeyPart(p.source().name(), part.prefix()));
            }
            newKeys.add(parts);
        }
        List<Finding> out = new ArrayList<>();
        for (DuplicateKeyCheck.UniqueKey old : DuplicateKeyCheck.uniqueKeys(ctx.connection(),
                Sql.quote(ctx.source().database(), ctx.source().name()))) {
            if (old.primary() || newKeys.stream().anyMatch(n -> DuplicateKeyCheck.implies(n, old.parts()))) {
                continue;
            }
            out.add(Finding.warning(CODE, old.describe() + " no longer holds in the new table, so rows written after the swap"
                    + " may repeat values that the old table's key rejects, and a later osc revert would fail on them: "
                    + ACCEPT));
        }
        return out;
    }

    /**
     * Whether values equal under the old column's comparison are equal under the new one's too, so
     * that a unique key on the new column keeps the promise of one on the old column.
     */
    private static boolean comparesAsStrictly(Column from, Column to) {
        if (!to.isText() || !from.isText() || to.collation() == null || to.collation().equalsIgnoreCase(from.collation())) {
            return true;
        }
        // a binary collation tells apart whatever any collation of its character set tells apart
        return to.charset().equalsIgnoreCase(from.charset()) && from.collation().toLowerCase(Locale.ROOT).endsWith("_bin");
    }

    private static String describe(Column c) {
        return c.columnType() + (c.isText() && c.charset() != null ? " " + c.charset() : "");
    }

    /** Why the new type holds values the old one cannot, or null when every new value fits the old type unchanged. */
    static String widened(Column from, Column to) {
        String f = from.columnType().toLowerCase(Locale.ROOT);
        String t = to.columnType().toLowerCase(Locale.ROOT);
        String reason = "which holds values " + from.columnType() + " cannot";
        if (to.isInteger() && from.isInteger()) {
            return within(range(to), range(from)) ? null : reason;
        }
        if (to.isInteger() && from.isDecimal()) {
            int[] d = precision(f);
            BigInteger max = BigInteger.TEN.pow(d[0] - d[1]).subtract(BigInteger.ONE);
            BigInteger[] r = range(to);
            boolean fits = r[1].compareTo(max) <= 0 && (r[0].signum() >= 0 || (!from.unsigned() && r[0].negate().compareTo(max) <= 0));
            return fits ? null : reason;
        }
        if (to.isDecimal() && from.isDecimal()) {
            int[] a = precision(t);
            int[] b = precision(f);
            boolean fits = a[0] - a[1] <= b[0] - b[1] && a[1] <= b[1] && (to.unsigned() || !from.unsigned());
            return fits ? null : reason;
        }
        if (to.isFloating() && from.isFloating()) {
            return to.dataType().equals("float") && !t.contains("(") && !f.contains("(") ? null : reason;
        }
        if (to.isTemporal() && from.isTemporal()) {
            if (to.dataType().equals(from.dataType()) || (to.dataType().equals("date") && from.dataType().equals("datetime"))) {
                return fsp(t) <= fsp(f) || to.dataType().equals("date") ? null : "which keeps more fractional seconds";
            }
            return reason;
        }
        if (to.isBit() && from.isBit()) {
            return length(t, 1) <= length(f, 1) ? null : reason;
        }
        if ((to.dataType().equals("enum") && from.dataType().equals("enum")) || (to.dataType().equals("set") && from.dataType().equals("set"))) {
            return labels(f).containsAll(labels(t)) && repertoireFits(to.charset(), from.charset()) ? null
                    : "which allows labels the old type does not";
        }
        if (to.isText() && from.isText()) {
            if (to.dataType().equals("enum") || to.dataType().equals("set") || from.dataType().equals("enum")
                    || from.dataType().equals("set")) {
                return reason;
            }
            if (!repertoireFits(to.charset(), from.charset())) {
                return "whose character set " + to.charset() + " holds characters " + from.charset() + " cannot";
            }
            if (!sizeKnown(to) || !sizeKnown(from)) {
                return reason;
            }
            return stringFits(to, t, from, f) ? null : "which holds longer strings";
        }
        if (to.isBinary() && from.isBinary() && sizeKnown(to) && sizeKnown(from)) {
            if (to.dataType().equals("binary") || from.dataType().equals("binary")) {
                return to.dataType().equals(from.dataType()) && length(t, 1) == length(f, 1) ? null : reason;
            }
            long toBytes = to.dataType().equals("varbinary") ? length(t, 0) : TEXT_BYTES.get(to.dataType());
            long fromBytes = from.dataType().equals("varbinary") ? length(f, 0) : TEXT_BYTES.get(from.dataType());
            return toBytes <= fromBytes ? null : "which holds longer values";
        }
        return reason;
    }

    private static boolean sizeKnown(Column c) {
        return Set.of("char", "varchar", "binary", "varbinary").contains(c.dataType()) || TEXT_BYTES.containsKey(c.dataType());
    }

    /** Whether every string of the new text type fits the old one (the character sets fit already). */
    private static boolean stringFits(Column to, String t, Column from, String f) {
        boolean toSized = to.dataType().equals("char") || to.dataType().equals("varchar");
        boolean fromSized = from.dataType().equals("char") || from.dataType().equals("varchar");
        long toChars = toSized ? length(t, 1) : TEXT_BYTES.get(to.dataType());
        long toBytes = toSized ? toChars * maxBytes(to.charset()) : TEXT_BYTES.get(to.dataType());
        if (fromSized) {
            return toChars <= length(f, 1);
        }
        long fromBytes = TEXT_BYTES.get(from.dataType());
        return toChars * maxBytes(from.charset()) <= fromBytes
                || (to.charset().equalsIgnoreCase(from.charset()) && toBytes <= fromBytes);
    }

    /** Whether every character of {@code to} exists in {@code from}. */
    static boolean repertoireFits(String to, String from) {
        if (to == null || from == null) {
            return to == null && from == null;
        }
        String a = canonical(to);
        String b = canonical(from);
        if (a.equals(b) || b.equals("utf8mb4") || b.equals("utf16") || b.equals("utf32")) {
            return true;
        }
        return switch (a) {
            case "ascii" -> Set.of("latin1", "utf8mb3", "ucs2").contains(b);
            case "latin1", "ucs2" -> b.equals("utf8mb3") || b.equals("ucs2");
            case "utf8mb3" -> b.equals("ucs2");
            default -> false;
        };
    }

    private static String canonical(String charset) {
        String c = charset.toLowerCase(Locale.ROOT);
        return c.equals("utf8") ? "utf8mb3" : c;
    }

    private static int maxBytes(String charset) {
        return switch (charset == null ? "" : canonical(charset)) {
            case "ascii", "latin1", "latin2", "latin5", "latin7", "cp1250", "cp1251", "cp1256", "cp1257", "binary", "greek",
                 "hebrew", "koi8r", "koi8u", "armscii8", "cp850", "cp852", "cp866", "dec8", "hp8", "keybcs2", "macce",
                 "macroman", "swe7", "tis620", "geostd8" -> 1;
            case "ucs2", "big5", "gbk", "sjis", "cp932", "euckr" -> 2;
            case "utf8mb3", "ujis", "eucjpms", "gb2312" -> 3;
            default -> 4;
        };
    }

    private static BigInteger[] range(Column c) {
        int bits = INTEGER_BITS.getOrDefault(c.dataType(), 64);
        if (c.unsigned()) {
            return new BigInteger[] {BigInteger.ZERO, BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE)};
        }
        return new BigInteger[] {BigInteger.ONE.shiftLeft(bits - 1).negate(), BigInteger.ONE.shiftLeft(bits - 1).subtract(BigInteger.ONE)};
    }

    private static boolean within(BigInteger[] inner, BigInteger[] outer) {
        return inner[0].compareTo(outer[0]) >= 0 && inner[1].compareTo(outer[1]) <= 0;
    }

    /** {precision, scale} of a DECIMAL type; DECIMAL alone is DECIMAL(10,0). */
    private static int[] precision(String type) {
        Matcher m = PRECISION.matcher(type);
        return m.find() ? new int[] {Integer.parseInt(m.group(1)), m.group(2) == null ? 0 : Integer.parseInt(m.group(2))}
                : new int[] {10, 0};
    }

    private static int fsp(String type) {
        return (int) length(type, 0);
    }

    private static long length(String type, long otherwise) {
        Matcher m = LENGTH.matcher(type);
        return m.find() ? Long.parseLong(m.group(1)) : otherwise;
    }

    private static Set<String> labels(String type) {
        Set<String> out = new HashSet<>();
        Matcher m = LABEL.matcher(type);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }
}
