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
import java.util.Collection;
import java.util.List;

/**
 * Brings rows of the shadow table up to date with the source: for a set of changed keys it
 * deletes them from the shadow and re-inserts whatever the source holds for them now. Deletes,
 * inserts and primary-key updates all reduce to that.
 *
 * <p>While the copy runs, what happens to a key depends on the copy's watermarks (see
 * {@link dev.osc.engine.copy.RangeTracker}), compared by the server: up to {@code copied} it is
 * re-applied; above {@code handedOut} it is dropped, because the range that will hold it is cut
 * later and reads the row then; in between, in a range being copied (or done out of order), it is
 * handed back untouched, to be applied once that range is done. Such a range may have read the row
 * before the change, deleted rows included, so the key must wait for it whatever the row's state.
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
        Sorted sorted = sort(c, keys, copied, handedOut);
        write(c, sorted.due());
        return sorted.later();
    }

    /** A batch of changed keys sorted by the watermarks: those to apply now, and those that wait for their range. */
    public record Sorted(List<RowKey> due, List<RowKey> later) {
    }

    /** Sorts the keys into those due now and those that wait for their range; drops the rest. */
    public Sorted sort(Connection c, List<RowKey> keys, Watermark copied, Watermark handedOut) throws SQLException {
        if (keys.isEmpty() || handedOut.none()) {
            return new Sorted(List.of(), List.of());
        }
        if (log.isTraceEnabled()) {
            log.trace("apply {} keys, copied {}, handed out {}: {}", keys.size(), copied, handedOut, keys);
        }
        if (copied.all()) {
            return new Sorted(keys, List.of());
        }
        if (copied.none() && handedOut.all()) {
            return new Sorted(List.of(), keys);
        }
        List<RowKey> due = new ArrayList<>();
        List<RowKey> later = new ArrayList<>();
        for (int from = 0; from < keys.size(); from += batchKeys) {
            sort(c, keys.subList(from, Math.min(keys.size(), from + batchKeys)), copied, handedOut, due, later);
        }
        return new Sorted(due, later);
    }

    /** Brings the rows of these keys up to date in the shadow table, in one transaction. */
    public void write(Connection c, List<RowKey> due) throws SQLException {
        if (due.isEmpty()) {
            return;
        }
        Retry.onLockConflict("applying changes", () -> Retry.inTransaction(c, () -> {
            for (int from = 0; from < due.size(); from += batchKeys) {
                delete(c, due.subList(from, Math.min(due.size(), from + batchKeys)));
            }
            for (int from = 0; from < due.size(); from += batchKeys) {
                insert(c, due.subList(from, Math.min(due.size(), from + batchKeys)));
            }
            return null;
        }));
    }

    /**
     * Waits until no transaction holds a row of these keys: an XA transaction's commit is in the
     * binlog before the engine makes it visible, and only its row locks tell when it is.
     */
    public void awaitLocks(Connection c, Collection<RowKey> keys) throws SQLException {
        List<RowKey> all = new ArrayList<>(keys);
        for (int from = 0; from < all.size(); from += batchKeys) {
            List<RowKey> part = all.subList(from, Math.min(all.size(), from + batchKeys));
            PrimaryKey.Predicate onSource = key.in(false, part.size());
            Retry.onLockConflict("waiting for XA transactions", () -> Retry.inTransaction(c, () -> {
                try (PreparedStatement ps = c.prepareStatement(sql.lockKeys(onSource.sql()))) {
                    key.bindAll(ps, 1, onSource, part);
                    ps.executeQuery().close();
                }
                return null;
            }));
        }
    }

    private void sort(Connection c, List<RowKey> keys, Watermark copied, Watermark handedOut, List<RowKey> due,
                      List<RowKey> later) throws SQLException {
        PrimaryKey.Bands bands = key.bands(keys.size(), copied.none(), handedOut.all());
        try (PreparedStatement ps = c.prepareStatement(bands.sql())) {
            int next = 1;
            if (bands.atMostCopied() != null) {
                next = bands.atMostCopied().bind(ps, next, key.columns(), copied.upTo());
            }
            if (bands.aboveHandedOut() != null) {
                next = bands.aboveHandedOut().bind(ps, next, key.columns(), handedOut.upTo());
            }
            key.bindAll(ps, next, keys);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    RowKey k = keys.get(rs.getInt(1));
                    switch (rs.getInt(2)) {
                        case 0 -> due.add(k);
                        case 1 -> later.add(k);
                        default -> {
                            // above every range handed out: the range that will hold it reads it later
                        }
                    }
                }
            }
        }
    }

    private void delete(Connection c, List<RowKey> keys) throws SQLException {
        PrimaryKey.Predicate onShadow = key.in(true, keys.size());
        try (PreparedStatement ps = c.prepareStatement(sql.deleteFromShadow(onShadow.sql()))) {
            key.bindAll(ps, 1, onShadow, keys);
            ps.executeUpdate();
        }
    }

    private void insert(Connection c, List<RowKey> keys) throws SQLException {
        PrimaryKey.Predicate onSource = key.in(false, keys.size());
        try (PreparedStatement ps = c.prepareStatement(sql.insertSelect(onSource.sql()))) {
            key.bindAll(ps, 1, onSource, keys);
            ps.executeUpdate();
        }
    }
}
