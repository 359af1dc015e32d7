package dev.osc.engine.copy;

import dev.osc.engine.key.RowKey;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Hands out consecutive key ranges to the copy workers and knows how far the copy has come.
 * Ranges are cut in key order, one after another, but may finish in any order. Two watermarks
 * follow from that, both for the change applier:
 * <ul>
 *   <li>{@link #copied()}: every key up to here is in the shadow table (all ranges up to it are
 *       done), so a changed row there can be re-applied;</li>
 *   <li>{@link #handedOut()}: keys above it belong to no range yet, so a range that reads them
 *       later sees their current state, and their changes can be dropped.</li>
 * </ul>
 * Changes between the two wait until the ranges that hold them are done.
 */
public final class RangeTracker {
    private final RowCopier copier;
    /** Ranges handed out and not yet passed by {@link #copied}, in key order. */
    private final Deque<Slot> open = new ArrayDeque<>();
    private RowKey nextLower;
    private boolean allHandedOut;
    private Watermark copied = Watermark.NONE;

    private static final class Slot {
        final KeyRange range;
        boolean done;

        Slot(KeyRange range) {
            this.range = range;
        }
    }

    public RangeTracker(RowCopier copier) {
        this.copier = copier;
    }

    /** Goes on after a checkpoint: every key up to {@code copiedUpTo} is in the shadow table. */
    public RangeTracker(RowCopier copier, RowKey copiedUpTo) {
        this.copier = copier;
        this.nextLower = copiedUpTo;
        this.copied = Watermark.upTo(copiedUpTo);
    }

    /**
     * The next range of about {@code rows} rows, found with the caller's connection, or null when
     * every range has been handed out.
     */
    public synchronized KeyRange next(Connection c, int rows) throws SQLException {
        if (allHandedOut) {
            return null;
        }
        RowKey upper = copier.boundaryAfter(c, nextLower, rows);
        KeyRange range = new KeyRange(nextLower, upper);
        open.addLast(new Slot(range));
        nextLower = upper;
        allHandedOut = upper == null;
        return range;
    }

    /** A worker finished copying the range (its transaction committed). */
    public synchronized void done(KeyRange range) {
        for (Slot s : open) {
            if (s.range == range) {
                s.done = true;
            }
        }
        while (!open.isEmpty() && open.peekFirst().done) {
            KeyRange passed = open.removeFirst().range;
            copied = passed.upper() == null ? Watermark.ALL : Watermark.upTo(passed.upper());
        }
    }

    /** Every range handed out and copied. */
    public synchronized boolean finished() {
        return allHandedOut && open.isEmpty();
    }

    public synchronized Watermark copied() {
        return copied;
    }

    public synchronized Watermark handedOut() {
        if (allHandedOut) {
            return Watermark.ALL;
        }
        return nextLower == null ? Watermark.NONE : Watermark.upTo(nextLower);
    }

    /** Ranges handed out and not yet done. */
    public synchronized int inFlight() {
        return (int) open.stream().filter(s -> !s.done).count();
    }
}
