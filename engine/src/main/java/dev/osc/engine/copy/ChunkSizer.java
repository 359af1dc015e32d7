package dev.osc.engine.copy;

import java.time.Duration;

/**
 * The size of a worker's next chunk: the one before, scaled by how its time compares with the
 * target, so that chunks follow the server's pace. The change is at most a factor of 2 per chunk,
 * so one slow chunk (a lock wait, a cold page) does not collapse the size, and the size stays
 * between {@link #MIN_ROWS} and the configured maximum.
 */
public final class ChunkSizer {
    public static final int MIN_ROWS = 10;

    private final int maxRows;
    private int rows;

    public ChunkSizer(int initialRows, int maxRows) {
        this.maxRows = maxRows;
        this.rows = Math.max(MIN_ROWS, Math.min(maxRows, initialRows));
    }

    /** Rows to ask for in the next chunk. */
    public int rows() {
        return rows;
    }

    /** A chunk of {@link #rows()} took {@code took}; the target is now {@code target}. */
    public void tookFor(Duration took, Duration target) {
        double factor = Math.max(0.5, Math.min(2.0, (double) target.toNanos() / Math.max(1, took.toNanos())));
        rows = (int) Math.max(MIN_ROWS, Math.min(maxRows, rows * factor));
    }
}
