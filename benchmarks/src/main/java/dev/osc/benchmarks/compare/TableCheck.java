package dev.osc.benchmarks.compare;

import dev.osc.cli.demo.DemoDatabase;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;

/**
 * Confirms that a contender's result table holds every row and the new column: row count and a
 * checksum of the original columns against the template. Under the write load the checksum covers
 * the ids only, since the load changes k and c; it deletes and re-inserts the same ids, so the ids
 * and the row count stay those of the template.
 */
final class TableCheck {
    private final DemoDatabase db;

    /** Row count, and 64-bit XORs of per-row MD5s over all original columns and over the id alone. */
    record Checksum(long rows, String allColumns, String ids) {
    }

    TableCheck(DemoDatabase db) {
        this.db = db;
    }

    Checksum checksum(String database) throws SQLException {
        try (Connection c = db.open(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT COUNT(*),"
                     + " BIT_XOR(CAST(CONV(LEFT(MD5(CONCAT_WS('#', `id`, `k`, `c`, `pad`)), 16), 16, 10) AS UNSIGNED)),"
                     + " BIT_XOR(CAST(CONV(LEFT(MD5(`id`), 16), 16, 10) AS UNSIGNED))"
                     + " FROM " + SbTables.qualified(database))) {
            rs.next();
            return new Checksum(rs.getLong(1), rs.getString(2), rs.getString(3));
        }
    }

    /** "ok ..." or what is wrong, for the report. */
    String verify(Checksum template, boolean underLoad) throws SQLException {
        if (!hasNewColumn()) {
            return "FAILED: no column `" + SbTables.NEW_COLUMN + "`";
        }
        Checksum now = checksum(SbTables.DB);
        if (now.rows() != template.rows()) {
            return String.format(Locale.ROOT, "FAILED: %,d rows, template %,d", now.rows(), template.rows());
        }
        boolean same = underLoad ? now.ids().equals(template.ids()) : now.allColumns().equals(template.allColumns());
        if (!same) {
            return "FAILED: checksum of " + (underLoad ? "ids" : "id, k, c, pad") + " differs from the template";
        }
        long wrongDefault = countWhere("`" + SbTables.NEW_COLUMN + "` <> 0");
        if (wrongDefault > 0) {
            return String.format(Locale.ROOT, "FAILED: %,d rows with %s <> 0", wrongDefault, SbTables.NEW_COLUMN);
        }
        return String.format(Locale.ROOT, "ok: %,d rows, %s equal, %s = 0", now.rows(),
                underLoad ? "ids" : "checksum", SbTables.NEW_COLUMN);
    }

    private boolean hasNewColumn() throws SQLException {
        try (Connection c = db.open();
             PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM information_schema.COLUMNS"
                     + " WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND COLUMN_NAME = ?")) {
            ps.setString(1, SbTables.DB);
            ps.setString(2, SbTables.TABLE);
            ps.setString(3, SbTables.NEW_COLUMN);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1) == 1;
            }
        }
    }

    private long countWhere(String condition) throws SQLException {
        try (Connection c = db.open(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + SbTables.qualified(SbTables.DB) + " WHERE " + condition)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
