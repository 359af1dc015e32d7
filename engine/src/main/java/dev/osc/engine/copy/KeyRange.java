package dev.osc.engine.copy;

import dev.osc.engine.key.PrimaryKey;
import dev.osc.engine.key.RowKey;

import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * Rows whose key is above {@code lower} (exclusive; null = from the start) and up to
 * {@code upper} (inclusive; null = to the end).
 */
public record KeyRange(RowKey lower, RowKey upper) {

    public static final KeyRange ALL = new KeyRange(null, null);

    /** The predicate on one table; {@link #bind} fills its placeholders. */
    public String where(PrimaryKey key, boolean onTarget) {
        String lo = lower == null ? null : key.greaterThan(onTarget).sql();
        String hi = upper == null ? null : key.atMost(onTarget).sql();
        if (lo == null && hi == null) {
            return "1 = 1";
        }
        return lo == null ? hi : hi == null ? lo : lo + " AND " + hi;
    }

    public int bind(PrimaryKey key, boolean onTarget, PreparedStatement ps, int first) throws SQLException {
        int i = first;
        if (lower != null) {
            i = key.greaterThan(onTarget).bind(ps, i, key.columns(), lower);
        }
        if (upper != null) {
            i = key.atMost(onTarget).bind(ps, i, key.columns(), upper);
        }
        return i;
    }

    @Override
    public String toString() {
        return "(" + (lower == null ? "start" : lower) + " .. " + (upper == null ? "end" : upper) + "]";
    }
}
