package dev.osc.engine.repl;

import dev.osc.engine.key.RowKey;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keys of rows changed on the source and not yet re-applied to the shadow table. A key that
 * changes again while pending is kept once: the applier re-reads the row's current state, so
 * a burst of updates to one row becomes one statement. Each key remembers when its oldest pending
 * change was committed, which gives the apply lag.
 */
public final class ChangeSet {
    private final LinkedHashMap<RowKey, Long> pending = new LinkedHashMap<>();

    /** Keys taken out, and the commit time of the oldest change among them (epoch ms; MAX_VALUE if unknown). */
    public record Batch(List<RowKey> keys, long oldestCommitMillis) {
        public boolean isEmpty() {
            return keys.isEmpty();
        }

        /** Seconds from the oldest change's commit to now; 0 when unknown. */
        public double lagSeconds() {
            return oldestCommitMillis == Long.MAX_VALUE ? 0
                    : Math.max(0, (System.currentTimeMillis() - oldestCommitMillis) / 1000.0);
        }
    }

    /** Adds the keys of one whole transaction from the stream, committed at {@code commitMillis}. */
    public synchronized void addAll(Collection<RowKey> keys, long commitMillis) {
        for (RowKey k : keys) {
            pending.merge(k, commitMillis, Math::min);
        }
    }

    /** Puts back keys whose application failed or must wait; they keep no commit time. */
    public synchronized void addAll(Collection<RowKey> keys) {
        for (RowKey k : keys) {
            pending.putIfAbsent(k, Long.MAX_VALUE);
        }
    }

    /** Takes up to {@code max} keys out, oldest first. */
    public synchronized Batch take(int max) {
        List<RowKey> out = new ArrayList<>(Math.min(max, pending.size()));
        long oldest = Long.MAX_VALUE;
        Iterator<Map.Entry<RowKey, Long>> it = pending.entrySet().iterator();
        while (it.hasNext() && out.size() < max) {
            Map.Entry<RowKey, Long> e = it.next();
            out.add(e.getKey());
            oldest = Math.min(oldest, e.getValue());
            it.remove();
        }
        return new Batch(out, oldest);
    }

    /** Takes up to {@code max} keys out, oldest first. */
    public List<RowKey> drain(int max) {
        return take(max).keys();
    }

    public synchronized int size() {
        return pending.size();
    }
}
