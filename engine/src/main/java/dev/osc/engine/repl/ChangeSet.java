package dev.osc.engine.repl;

import dev.osc.engine.key.RowKey;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Keys of rows changed on the source and not yet re-applied to the shadow table. A key that
 * changes again while pending is kept once: the applier re-reads the row's current state, so
 * a burst of updates to one row becomes one statement.
 */
public final class ChangeSet {
    private final LinkedHashSet<RowKey> pending = new LinkedHashSet<>();

    /**
     * Adds keys: those of one whole transaction from the stream, or keys whose application failed
     * and must be tried again.
     */
    public synchronized void addAll(java.util.Collection<RowKey> keys) {
        pending.addAll(keys);
    }

    /** Takes up to {@code max} keys out, oldest first. */
    public synchronized List<RowKey> drain(int max) {
        List<RowKey> out = new ArrayList<>(Math.min(max, pending.size()));
        Iterator<RowKey> it = pending.iterator();
        while (it.hasNext() && out.size() < max) {
            out.add(it.next());
            it.remove();
        }
        return out;
    }

    public synchronized int size() {
        return pending.size();
    }
}
