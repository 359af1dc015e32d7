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
    private long received;

    public synchronized void add(RowKey key) {
        received++;
        pending.add(key);
    }

    /** Adds the keys of one whole transaction at once. */
    public synchronized void addAll(java.util.Collection<RowKey> keys) {
        received += keys.size();
        pending.addAll(keys);
    }

    /** Puts keys back whose application failed, so that a later attempt applies them. */
    public synchronized void restore(java.util.Collection<RowKey> keys) {
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

    /** Row changes seen in the binlog, before de-duplication. */
    public synchronized long received() {
        return received;
    }
}
