package dev.osc.engine.repl;

import dev.osc.engine.copy.CopyStatements;
import dev.osc.engine.copy.Watermark;
import dev.osc.engine.db.Retry;
import dev.osc.engine.key.PrimaryKey;
import dev.osc.engine.key.RowKey;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/**
 * Brings rows of the shadow table up to date with the source: for a set of changed keys it
 * deletes them from the shadow and re-inserts whatever the source holds for them now, up to the
 * copy's watermark. Deletes, inserts and primary-key updates all reduce to that.
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

    public void apply(Connection c, List<RowKey> keys, Watermark watermark) throws SQLException {
        if (keys.isEmpty() || watermark.none()) {
            return;
        }
        if (log.isTraceEnabled()) {
            log.trace("apply {} keys up to {}: {}", keys.size(), watermark, keys);
        }
        Retry.onLockConflict("applying changes", () -> Retry.inTransaction(c, () -> {
            for (int from = 0; from < keys.size(); from += batchKeys) {
                delete(c, keys.subList(from, Math.min(keys.size(), from + batchKeys)));
            }
            for (int from = 0; from < keys.size(); from += batchKeys) {
                insert(c, keys.subList(from, Math.min(keys.size(), from + batchKeys)), watermark);
            }
            return null;
        }));
    }

    private void delete(Connection c, List<RowKey> keys) throws SQLException {
        PrimaryKey.Predicate onShadow = key.in(true, keys.size());
        try (PreparedStatement ps = c.prepareStatement(sql.deleteFromShadow(onShadow.sql()))) {
            key.bindAll(ps, 1, onShadow, keys);
            ps.executeUpdate();
        }
    }

    private void insert(Connection c, List<RowKey> keys, Watermark watermark) throws SQLException {
        PrimaryKey.Predicate onSource = key.in(false, keys.size());
        String where = onSource.sql();
        if (!watermark.all()) {
            where += " AND " + key.atMost(false).sql();
        }
        try (PreparedStatement ps = c.prepareStatement(sql.insertSelect(where))) {
            int next = key.bindAll(ps, 1, onSource, keys);
            if (!watermark.all()) {
                key.atMost(false).bind(ps, next, key.columns(), watermark.upTo());
            }
            ps.executeUpdate();
        }
    }
}
