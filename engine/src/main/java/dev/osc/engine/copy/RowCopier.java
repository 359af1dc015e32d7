package dev.osc.engine.copy;

import dev.osc.engine.db.Retry;
import dev.osc.engine.key.PrimaryKey;
import dev.osc.engine.key.RowKey;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** Copies rows from the source into the shadow table, one key range per transaction. */
public final class RowCopier {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(RowCopier.class);
    private final CopyStatements sql;
    private final PrimaryKey key;

    public RowCopier(CopyStatements sql) {
        this.sql = sql;
        this.key = sql.key();
    }

    /** The key {@code rows} rows after {@code lower} (exclusive), or null when fewer rows remain. */
    public RowKey boundaryAfter(Connection c, RowKey lower, int rows) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql.boundary(lower == null))) {
            int i = 1;
            if (lower != null) {
                i = key.greaterThan(false).bind(ps, i, key.columns(), lower);
            }
            ps.setInt(i, rows - 1);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? key.read(rs, 1) : null;
            }
        }
    }

    /** Copies the range in one transaction; returns the number of rows inserted. */
    public int copy(Connection c, KeyRange range) throws SQLException {
        log.trace("copy {}", range);
        return Retry.onLockConflict("copying " + range, () -> Retry.inTransaction(c, () -> insert(c, range)));
    }

    /**
     * Replaces the shadow's rows in the range by the source's current rows: the repair after a
     * checksum difference.
     */
    public int recopy(Connection c, KeyRange range) throws SQLException {
        return Retry.onLockConflict("re-copying " + range, () -> Retry.inTransaction(c, () -> {
            try (PreparedStatement ps = c.prepareStatement(sql.deleteFromShadow(range.where(key, true)))) {
                range.bind(key, true, ps, 1);
                ps.executeUpdate();
            }
            return insert(c, range);
        }));
    }

    private int insert(Connection c, KeyRange range) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql.insertSelect(range.where(key, false)))) {
            range.bind(key, false, ps, 1);
            return ps.executeUpdate();
        }
    }
}
