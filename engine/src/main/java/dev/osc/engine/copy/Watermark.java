package dev.osc.engine.copy;

import dev.osc.engine.key.RowKey;

/**
 * How far the chunk copy has come. The applier re-applies changed rows only up to here: rows
 * above it are still to be copied, and the copy will read their current state itself. This
 * keeps the copy and the applier from ever writing the same key in the wrong order.
 *
 * @param upTo    the highest key copied so far (inclusive), when {@code !none && !all}
 */
public record Watermark(boolean none, boolean all, RowKey upTo) {
    public static final Watermark NONE = new Watermark(true, false, null);
    public static final Watermark ALL = new Watermark(false, true, null);

    public static Watermark upTo(RowKey key) {
        return new Watermark(false, false, key);
    }
}
