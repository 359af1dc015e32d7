package dev.osc.engine.cutover;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;

/**
 * The names osc gives its tables, documented in the README:
 * <ul>
 *   <li>shadow table: {@code _<table>_osc_new}</li>
 *   <li>old table kept after cut-over: {@code _<table>_osc_old_<yyyyMMdd_HHmmss>}; the timestamp keeps
 *       an earlier migration's old table from being overwritten by a later one.</li>
 * </ul>
 * Names stay within MySQL's 64-character limit: a long table name is shortened and given a
 * short hash of the full name, so two long names never share a shadow table.
 */
public record TableNames(String source, String shadow, String old) {
    static final int MAX = 64;
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss");

    public static TableNames of(String table, LocalDateTime now) {
        return new TableNames(table, derive(table, "_osc_new"), derive(table, "_osc_old_" + now.format(STAMP)));
    }

    static String derive(String table, String suffix) {
        String name = "_" + table + suffix;
        if (name.length() <= MAX) {
            return name;
        }
        String hash = shortHash(table);
        int keep = MAX - 1 - suffix.length() - hash.length() - 1;
        return "_" + table.substring(0, keep) + "_" + hash + suffix;
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
