package dev.osc.engine.cutover;

import dev.osc.engine.OscException;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The names osc gives its tables, documented in the README:
 * <ul>
 *   <li>shadow table: {@code <table>_osc_new}</li>
 *   <li>old table kept after cut-over (and the cut-over sentry before it):
 *       {@code <table>_osc_old_<yyyyMMdd_HHmmss>}; the timestamp keeps an earlier migration's old
 *       table from being overwritten by a later one.</li>
 *   <li>after {@code osc revert}, the table as it was before the revert (and the revert's sentry):
 *       {@code <table>_osc_rev_<yyyyMMdd_HHmmss>}.</li>
 * </ul>
 * Both names begin with the table's name, and that is what makes the swap atomic: the server takes
 * a RENAME's metadata locks in name order, so the rename queues on the table itself first, ahead
 * of the application's statements, while osc still holds its lock. A name that sorted before the
 * table would let queued statements reach the old table between unlock and rename.
 * Names stay within MySQL's 64-character limit: a long table name is shortened and marked with a
 * short hash of the full name, keeping that order.
 */
public record TableNames(String source, String shadow, String old) {
    static final int MAX = 64;
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss");

    public static TableNames of(String table, LocalDateTime now) {
        return new TableNames(table, derive(table, "_osc_new"), derive(table, "_osc_old_" + now.format(STAMP)));
    }

    /**
     * The names for swapping an earlier migration back (osc revert): the old table osc kept plays
     * the shadow and becomes the table again, and the table as it is now is kept under
     * {@code <table>_osc_rev_<yyyyMMdd_HHmmss>}. Both must sort after the table, as for a migration.
     */
    public static TableNames forRevert(String table, String oldTable, LocalDateTime now) {
        if (!sortsAfter(oldTable, table)) {
            throw OscException.badInput("the old table " + oldTable + " does not sort after " + table
                    + ", so osc cannot swap it back atomically; it is not a table osc named");
        }
        return new TableNames(table, oldTable, derive(table, "_osc_rev_" + now.format(STAMP)));
    }

    /**
     * An empty, short-lived copy of the table that the planner asks the server about
     * ({@code <table>_osc_probe}); created and dropped within the plan.
     */
    public String probe() {
        return derive(source, "_osc_probe");
    }

    static String derive(String table, String suffix) {
        String name = table + suffix;
        if (name.length() > MAX) {
            String hash = shortHash(table);
            int keep = MAX - 1 - hash.length() - suffix.length();
            // The character after the kept part is replaced by the next code point, so the shortened
            // name still sorts after the table (UTF-8 byte order is code point order), in either case.
            char cut = table.charAt(keep);
            char bumped = (char) (Math.max(cut, Character.toLowerCase(cut)) + 1);
            name = table.substring(0, keep) + bumped + hash + suffix;
        }
        if (!sortsAfter(name, table)) {
            throw OscException.badInput("osc cannot derive a shadow table name for " + table
                    + " that keeps the swap atomic; rename the table to a shorter name first");
        }
        return name;
    }

    /** Byte order of the UTF-8 names, as the server orders metadata locks. */
    static boolean sortsAfter(String name, String table) {
        return Arrays.compareUnsigned(name.toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.UTF_8),
                table.toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.UTF_8)) > 0
                && Arrays.compareUnsigned(name.getBytes(StandardCharsets.UTF_8), table.getBytes(StandardCharsets.UTF_8)) > 0;
    }

    private static String shortHash(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 3);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
