package dev.osc.engine.repl;

import dev.osc.engine.OscException;
import dev.osc.engine.copy.ReadMode;
import dev.osc.engine.copy.Watermark;
import dev.osc.engine.db.BinlogPosition;
import dev.osc.engine.db.CommitHorizon;
import dev.osc.engine.db.ServerInfo;
import dev.osc.engine.key.RowKey;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The changed keys osc still has to apply to the shadow table, and the applying of them: in
 * batches from the stream's {@link ChangeSet}, once plain reads see those changes (with
 * {@link ReadMode#CONSISTENT}), sorted by the copy's watermarks. Keys in ranges still being copied
 * wait on the side until the copied watermark moves on, and are then tried again. One batch at a
 * time: besides the migration's own thread, a copy worker applies too when its chunk meets a
 * stale unique value.
 */
public final class PendingChanges {
    /** How long the applier waits for the stream or the commit horizon before the run fails. */
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int DUPLICATE_KEY = 1062;

    /** Where the copy stands; the applier reads it for each batch. */
    public interface Watermarks {
        Watermark copied();

        Watermark handedOut();
    }

    /** Hears each batch applied: keys applied or dropped, and seconds since the oldest one's commit. */
    public interface Listener {
        void applied(int keys, double lagSeconds);
    }

    private final ChangeSet changes;
    private final ChangeApplier applier;
    private final ParallelWriter writer;
    private final ReadMode reads;
    private final Watermarks watermarks;
    private final BinlogStreamer stream;
    private final Listener listener;
    /** Changed keys in ranges still being copied: applied once those ranges are done. */
    private final List<RowKey> waiting = new ArrayList<>();
    private Watermark waitingSince = Watermark.NONE;
    private final ReentrantLock lock = new ReentrantLock();
    private final AtomicLong applied = new AtomicLong();
    private boolean underTableLock;

    /** @param writer writes due keys in parts where the table's rows are independent; null: one transaction */
    public PendingChanges(ChangeSet changes, ChangeApplier applier, ParallelWriter writer, ReadMode reads,
                          Watermarks watermarks, BinlogStreamer stream, Listener listener) {
        this.changes = changes;
        this.applier = applier;
        this.writer = writer;
        this.reads = reads;
        this.watermarks = watermarks;
        this.stream = stream;
        this.listener = listener;
    }

    /** Keys pending, those waiting for their range included. */
    public long size() {
        synchronized (waiting) {
            return changes.size() + waiting.size();
        }
    }

    /** Keys applied (or dropped because the copy reads them later) so far. */
    public long applied() {
        return applied.get();
    }

    /**
     * Applies up to {@code maxKeys} pending changes in one batch; on failure the keys go back.
     * Returns how many keys it took.
     */
    public int applyNext(Connection c, int maxKeys) throws SQLException, InterruptedException {
        lock.lock();
        try {
            synchronized (waiting) {
                // keys that waited for ranges being copied: try again once the copy has moved on
                if (!waiting.isEmpty() && !watermarks.copied().equals(waitingSince)) {
                    changes.addAll(waiting);
                    waiting.clear();
                }
            }
            ChangeSet.Batch batch = changes.take(maxKeys);
            if (batch.isEmpty()) {
                return 0;
            }
            try {
                listener.applied(apply(c, batch), batch.lagSeconds());
            } catch (SQLException e) {
                changes.putBack(batch);
                if (e.getErrorCode() != DUPLICATE_KEY) {
                    throw e;
                }
                applyEverything(c, e);
            }
            return batch.keys().size();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Applies the changes pending now, in batches of {@code batchKeys}. Those that arrive meanwhile
     * are left for the next round: writers as fast as the apply would keep it going for ever.
     */
    public void applyAll(Connection c, int batchKeys) throws SQLException, InterruptedException {
        long left = size();
        while (left > 0) {
            int took = applyNext(c, (int) Math.min(left, batchKeys));
            if (took == 0) {
                return;
            }
            left -= took;
        }
    }

    /**
     * {@link #applyAll} by the session that holds the table locked: no change arrives meanwhile,
     * and only that session can write the shadow table, so no batch is split.
     */
    public void applyAllUnderLock(Connection lockHolder, int batchKeys) throws SQLException, InterruptedException {
        underTableLock = true;
        try {
            applyAll(lockHolder, batchKeys);
        } finally {
            underTableLock = false;
        }
    }

    /**
     * Runs {@code first} (reading where the run stands), then applies everything pending, the keys
     * that waited for ranges included, with no other batch in between: what a checkpoint needs.
     */
    public <T> T applyEverythingAfter(Connection c, Before<T> first) throws SQLException, InterruptedException {
        lock.lock();
        try {
            T t = first.read();
            releaseWaiting();
            applyNext(c, Integer.MAX_VALUE);
            return t;
        } finally {
            lock.unlock();
        }
    }

    /** What {@link #applyEverythingAfter} reads first. */
    public interface Before<T> {
        T read();
    }

    /** Every key that waits for a range goes back with the pending ones. */
    public void releaseWaiting() {
        synchronized (waiting) {
            changes.addAll(waiting);
            waiting.clear();
        }
    }

    /**
     * Applies the keys the copy has passed and parks those in ranges still being copied until the
     * copy moves on. Returns how many were applied (or dropped: the copy will read them).
     */
    private int apply(Connection c, ChangeSet.Batch batch) throws SQLException, InterruptedException {
        if (reads == ReadMode.CONSISTENT) {
            // plain reads from here on see every change of the batch
            if (!batch.awaitLocks().isEmpty()) {
                applier.awaitLocks(c, batch.awaitLocks());
            }
            BinlogPosition upTo = batch.upTo();
            if (upTo != null && !CommitHorizon.await(c, upTo, stream, WAIT)) {
                // the horizon cannot vouch for the batch (around a binlog rotation): the batch's
                // transactions hold their rows' locks until they are committed
                applier.awaitLocks(c, batch.keys());
            }
        }
        // the watermarks are read after that wait: a range cut later reads the changes dropped here
        Watermark copied = watermarks.copied();
        ChangeApplier.Sorted sorted = applier.sort(c, batch.keys(), copied, watermarks.handedOut());
        if (writer == null || underTableLock) {
            applier.write(c, sorted.due());
        } else {
            writer.write(c, sorted.due());
        }
        synchronized (waiting) {
            waiting.addAll(sorted.later());
            waitingSince = copied;
        }
        int done = batch.keys().size() - sorted.later().size();
        applied.addAndGet(done);
        return done;
    }

    /**
     * A re-read row collided on a unique key with a shadow row whose own change is not applied
     * yet (a unique value moved between rows). Catch up with the binlog and apply everything
     * pending at once, so that both rows are deleted before either is re-inserted. A collision
     * that survives this is a real duplicate that the new table's unique key rejects.
     */
    private void applyEverything(Connection c, SQLException first) throws SQLException, InterruptedException {
        SQLException last = first;
        // keys parked at an older watermark may be due now; they are applied with the rest
        releaseWaiting();
        for (int attempt = 0; attempt < 3; attempt++) {
            // catch up with the binlog: the other row's change may not be in the set yet
            stream.awaitPosition(ServerInfo.binlogPosition(c), WAIT);
            ChangeSet.Batch all = changes.take(Integer.MAX_VALUE);
            try {
                apply(c, all);
                return;
            } catch (SQLException e) {
                changes.putBack(all);
                if (e.getErrorCode() != DUPLICATE_KEY) {
                    throw e;
                }
                last = e;
            }
        }
        throw duplicates(last);
    }

    /** Whether a statement failed on a duplicate key: a stale shadow row, or a real duplicate. */
    public static boolean isDuplicateKey(SQLException e) {
        return e.getErrorCode() == DUPLICATE_KEY;
    }

    /** The failure of a run whose new unique key meets rows that really are duplicates. */
    public static OscException duplicates(SQLException e) {
        return new OscException(OscException.Kind.FAILED, "the new table's unique key rejects rows of the table: "
                + e.getMessage() + ". osc stops rather than drop a row; the original table is intact."
                + " Remove the duplicates (osc plan lists them) or leave the unique key out of --alter", e);
    }
}
