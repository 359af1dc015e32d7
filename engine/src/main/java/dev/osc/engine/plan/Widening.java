package dev.osc.engine.plan;

import dev.osc.engine.inspect.Column;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Type changes that keep every possible value, decided from the two types alone: a wider integer,
 * a longer string in the same character set and collation, a larger text type, a DECIMAL with at
 * least the digits on both sides of the point, more fractional seconds, FLOAT to DOUBLE. The value
 * check skips these columns instead of scanning the table for values that cannot change.
 */
final class Widening {
    private static final Pattern NUMBERS = Pattern.compile("\\((\\d+)(?:,(\\d+))?\\)");
    private static final List<String> INTEGERS = List.of("tinyint", "smallint", "mediumint", "int", "bigint");
    private static final List<String> TEXTS = List.of("tinytext", "text", "mediumtext", "longtext");
    private static final List<String> BLOBS = List.of("tinyblob", "blob", "mediumblob", "longblob");

    private Widening() {
    }

    static boolean lossless(Column from, Column to) {
        String a = base(from);
        String b = base(to);
        if (INTEGERS.contains(a) && INTEGERS.contains(b)) {
            int wa = INTEGERS.indexOf(a);
            int wb = INTEGERS.indexOf(b);
            return from.unsigned() == to.unsigned() ? wb >= wa : !from.unsigned() ? false : wb > wa;
        }
        if (from.isText() || to.isText()) {
            if (!same(from.charset(), to.charset()) || !same(from.collation(), to.collation())) {
                return false;
            }
            if (a.equals("varchar") && b.equals("varchar") || a.equals("char") && b.equals("char")) {
                return number(to, 1) >= number(from, 1);
            }
            return TEXTS.contains(a) && TEXTS.contains(b) && TEXTS.indexOf(b) >= TEXTS.indexOf(a);
        }
        if (a.equals("varbinary") && b.equals("varbinary")) {
            return number(to, 1) >= number(from, 1);
        }
        if (BLOBS.contains(a) && BLOBS.contains(b)) {
            return BLOBS.indexOf(b) >= BLOBS.indexOf(a);
        }
        if (a.equals("decimal") && b.equals("decimal") && from.unsigned() == to.unsigned()) {
            long scaleA = number(from, 2);
            long scaleB = number(to, 2);
            return scaleB >= scaleA && number(to, 1) - scaleB >= number(from, 1) - scaleA;
        }
        if (a.equals(b) && (a.equals("datetime") || a.equals("time") || a.equals("timestamp"))) {
            return number(to, 1) >= number(from, 1);
        }
        return a.equals("float") && b.equals("double") && from.unsigned() == to.unsigned();
    }

    private static String base(Column c) {
        return c.dataType().toLowerCase(Locale.ROOT).replace("integer", "int");
    }

    /** The first or second number in the type's parentheses; 0 when absent (DATETIME = DATETIME(0)). */
    private static long number(Column c, int group) {
        Matcher m = NUMBERS.matcher(c.columnType());
        if (!m.find() || m.group(group) == null) {
            return 0;
        }
        return Long.parseLong(m.group(group));
    }

    private static boolean same(String x, String y) {
        return x == null ? y == null : x.equalsIgnoreCase(y);
    }
}
