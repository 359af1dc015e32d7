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
 * Brings rows of the shadow table up to date with the source: for a batch of changed keys it
 * deletes them from the shadow and re-inserts whatever the source holds for them now, up to the
 * copy's watermark. Deletes, inserts and primary-key updates all reduce to that.
 */
public final class ChangeApplier {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ChangeApplier.class);
    private final CopyStatements sql;
    private final PrimaryKey key;

    public ChangeApplier(CopyStatements sql) {
        this.sql = sql;
        this.key = sql.key();
    }

    /**
     * Applies one batch. With {@code transactional} false the statements run in autocommit mode,
     * as they must for a session that holds LOCK TABLES (a transaction would release the locks).
     */
    public void apply(Connection c, List<RowKey> keys, Watermark watermark, boolean transactional) throws SQLException {
        if (keys.isEmpty() || watermark.none()) {
            return;
        }
        if (log.isTraceEnabled()) {
            log.trace("apply {} keys up to {}: {}", keys.size(), watermark, keys);
        }
        Retry.Work<Void> work = () -> {
            PrimaryKey.Predicate onShadow = key.in(true, keys.size());
            try (PreparedStatement ps = c.prepareStatement(sql.deleteFromShadow(onShadow.sql()))) {
                key.bindAll(ps, 1, onShadow, keys);
                ps.executeUpdate();
            }
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
            return null;
        };
        if (transactional) {
            Retry.onLockConflict("applying changes", () -> Retry.inTransaction(c, work));
        } else {
            work.run();
        }
    }
}
