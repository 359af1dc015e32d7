package dev.osc.engine.repl;

import dev.osc.engine.db.BinlogPosition;
import dev.osc.engine.key.RowKey;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Keys of rows changed on the source and not yet re-applied to the shadow table. A key that
 * changes again while pending is kept once: the applier re-reads the row's current state, so
 * a burst of updates to one row becomes one statement. Each key remembers when its oldest pending
 * change was committed, which gives the apply lag.
 *
 * <p>The set also knows where in the binlog its newest transaction ended: a read of the source
 * that is to see every change taken out of the set must start once the server has made the
 * transactions up to there visible (see {@link dev.osc.engine.db.CommitHorizon}).
 */
public final class ChangeSet {
    private final LinkedHashMap<RowKey, Long> pending = new LinkedHashMap<>();
    /** Pending keys changed by XA transactions: visible only once their row locks are gone. */
    private final Set<RowKey> awaitLocks = new HashSet<>();
    private BinlogPosition lastAdded;

    /**
     * Keys taken out, the commit time of the oldest change among them (epoch ms; MAX_VALUE if
     * unknown), the end of the newest transaction in the set when they were taken (null if none
     * came from the stream yet), and those of the keys whose transactions were XA transactions.
     */
    public record Batch(List<RowKey> keys, long oldestCommitMillis, BinlogPosition upTo, Set<RowKey> awaitLocks) {
        public boolean isEmpty() {
            return keys.isEmpty();
        }

        /** Seconds from the oldest change's commit to now; 0 when unknown. */
        public double lagSeconds() {
            return oldestCommitMillis == Long.MAX_VALUE ? 0
                    : Math.max(0, (System.currentTimeMillis() - oldestCommitMillis) / 1000.0);
        }
    }

    /**
     * Adds the keys of one whole transaction from the stream, committed at {@code commitMillis},
     * whose commit ends at {@code end} in the binlog. {@code xa}: an XA transaction, whose commit
     * by XID becomes visible only after its binlog event (MariaDB commits it in the engine after
     * the binlog group commit), so a plain read must first wait for its row locks to go.
     */
    public synchronized void addCommitted(Collection<RowKey> keys, long commitMillis, BinlogPosition end, boolean xa) {
        for (RowKey k : keys) {
            pending.merge(k, commitMillis, Math::min);
        }
        if (xa) {
            awaitLocks.addAll(keys);
        }
        if (end != null && (lastAdded == null || end.compareTo(lastAdded) > 0)) {
            lastAdded = end;
        }
    }

    /** Adds the keys of one whole transaction from the stream (not an XA one); see {@link #addCommitted}. */
    public void addAll(Collection<RowKey> keys, long commitMillis) {
        addCommitted(keys, commitMillis, null, false);
    }

    /** Puts back keys whose application failed or must wait; they keep no commit time. */
    public synchronized void addAll(Collection<RowKey> keys) {
        for (RowKey k : keys) {
            pending.putIfAbsent(k, Long.MAX_VALUE);
        }
    }

    /** Puts a batch back whose application failed, with its XA keys. */
    public synchronized void putBack(Batch batch) {
        addAll(batch.keys());
        awaitLocks.addAll(batch.awaitLocks());
    }

    /** Takes up to {@code max} keys out, oldest first. */
    public synchronized Batch take(int max) {
        List<RowKey> out = new ArrayList<>(Math.min(max, pending.size()));
        Set<RowKey> locks = awaitLocks.isEmpty() ? Set.of() : new HashSet<>();
        long oldest = Long.MAX_VALUE;
        Iterator<Map.Entry<RowKey, Long>> it = pending.entrySet().iterator();
        while (it.hasNext() && out.size() < max) {
            Map.Entry<RowKey, Long> e = it.next();
            out.add(e.getKey());
            oldest = Math.min(oldest, e.getValue());
            if (!awaitLocks.isEmpty() && awaitLocks.remove(e.getKey())) {
                locks.add(e.getKey());
            }
            it.remove();
        }
        return new Batch(out, oldest, lastAdded, locks);
    }

    /** Takes up to {@code max} keys out, oldest first. */
    public List<RowKey> drain(int max) {
        return take(max).keys();
    }

    public synchronized int size() {
        return pending.size();
    }
}
