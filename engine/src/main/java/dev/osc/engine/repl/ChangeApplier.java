package dev.osc.engine.repl;

import dev.osc.engine.copy.CopyStatements;
import dev.osc.engine.copy.Watermark;
import dev.osc.engine.db.Retry;
import dev.osc.engine.key.PrimaryKey;
import dev.osc.engine.key.RowKey;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Brings rows of the shadow table up to date with the source: for a set of changed keys it
 * deletes them from the shadow and re-inserts whatever the source holds for them now. Deletes,
 * inserts and primary-key updates all reduce to that.
 *
 * <p>While the copy runs, what happens to a key depends on the copy's watermarks (see
 * {@link dev.osc.engine.copy.RangeTracker}): up to {@code copied} it is re-applied; above
 * {@code handedOut} it is dropped, because the range that will hold it reads the row later;
 * in between, in a range still being copied, its shadow row is deleted and the key is handed
 * back to wait until that range is done (the copy takes shared locks on what it reads, so the
 * change committed after the copied row, and the delete waits for the copy to commit).
 *
 * <p>All deletes of a set run before its inserts, in one transaction, so a unique value that moved
 * between two rows of the set never collides with itself. The transaction uses autocommit off
 * rather than START TRANSACTION, so it also works in a session holding LOCK TABLES.
 */
public final class ChangeApplier {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ChangeApplier.class);
    private final CopyStatements sql;
    private final PrimaryKey key;
    private final int batchKeys;

    public ChangeApplier(CopyStatements sql, int batchKeys) {
        this.sql = sql;
        this.key = sql.key();
        this.batchKeys = batchKeys;
    }

    /** Applies every key: the copy is complete. */
    public void apply(Connection c, List<RowKey> keys) throws SQLException {
        apply(c, keys, Watermark.ALL, Watermark.ALL);
    }

    /**
     * Applies the keys the copy has passed and drops those it has not reached.
     *
     * @return the keys that must be applied again once the ranges now being copied are done
     */
    public List<RowKey> apply(Connection c, List<RowKey> keys, Watermark copied, Watermark handedOut)
            throws SQLException {
        if (keys.isEmpty() || handedOut.none()) {
            return List.of();
        }
        if (log.isTraceEnabled()) {
            log.trace("apply {} keys, copied {}, handed out {}: {}", keys.size(), copied, handedOut, keys);
        }
        boolean waiting = !copied.equals(handedOut);
        return Retry.onLockConflict("applying changes", () -> Retry.inTransaction(c, () -> {
            for (int from = 0; from < keys.size(); from += batchKeys) {
                delete(c, keys.subList(from, Math.min(keys.size(), from + batchKeys)), handedOut);
            }
            List<RowKey> later = new ArrayList<>();
            for (int from = 0; from < keys.size(); from += batchKeys) {
                List<RowKey> part = keys.subList(from, Math.min(keys.size(), from + batchKeys));
                if (!copied.none()) {
                    insert(c, part, copied);
                }
                if (waiting) {
                    later.addAll(between(c, part, copied, handedOut));
                }
            }
            return later;
        }));
    }

    private void delete(Connection c, List<RowKey> keys, Watermark upTo) throws SQLException {
        PrimaryKey.Predicate onShadow = key.in(true, keys.size());
        String where = onShadow.sql() + (upTo.all() ? "" : " AND " + key.atMost(true).sql());
        try (PreparedStatement ps = c.prepareStatement(sql.deleteFromShadow(where))) {
            int next = key.bindAll(ps, 1, onShadow, keys);
            if (!upTo.all()) {
                key.atMost(true).bind(ps, next, key.columns(), upTo.upTo());
            }
            ps.executeUpdate();
        }
    }

    private void insert(Connection c, List<RowKey> keys, Watermark upTo) throws SQLException {
        PrimaryKey.Predicate onSource = key.in(false, keys.size());
        String where = onSource.sql() + (upTo.all() ? "" : " AND " + key.atMost(false).sql());
        try (PreparedStatement ps = c.prepareStatement(sql.insertSelect(where))) {
            int next = key.bindAll(ps, 1, onSource, keys);
            if (!upTo.all()) {
                key.atMost(false).bind(ps, next, key.columns(), upTo.upTo());
            }
            ps.executeUpdate();
        }
    }

    /**
     * The keys of the set that the source holds in the ranges being copied. The server compares,
     * by the key's own collation; a key deleted there needs nothing more (its shadow row is gone).
     */
    private List<RowKey> between(Connection c, List<RowKey> keys, Watermark copied, Watermark handedOut)
            throws SQLException {
        PrimaryKey.Predicate onSource = key.in(false, keys.size());
        String where = onSource.sql();
        if (!copied.none()) {
            where += " AND " + key.greaterThan(false).sql();
        }
        if (!handedOut.all()) {
            where += " AND " + key.atMost(false).sql();
        }
        try (PreparedStatement ps = c.prepareStatement(sql.selectKeys(where))) {
            int next = key.bindAll(ps, 1, onSource, keys);
            if (!copied.none()) {
                next = key.greaterThan(false).bind(ps, next, key.columns(), copied.upTo());
            }
            if (!handedOut.all()) {
                key.atMost(false).bind(ps, next, key.columns(), handedOut.upTo());
            }
            List<RowKey> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(key.read(rs, 1));
                }
            }
            return out;
        }
    }
}
