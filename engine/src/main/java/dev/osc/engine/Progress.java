package dev.osc.engine;

import java.time.Duration;

/**
 * Where a migration stands.
 *
 * @param rowsTotal      the estimated number of rows to copy (never below rowsCopied)
 * @param binlogLagSeconds how far the applier is behind the binary log, in seconds
 */
public record Progress(Phase phase, long rowsCopied, long rowsTotal, double rowsPerSecond, long changesApplied,
                       long changesPending, double binlogLagSeconds, Duration elapsed) {

    /** Estimated time until the copy is done, or null when unknown. */
    public Duration eta() {
        if (rowsPerSecond <= 0 || rowsTotal <= rowsCopied) {
            return rowsTotal <= rowsCopied ? Duration.ZERO : null;
        }
        return Duration.ofMillis((long) ((rowsTotal - rowsCopied) / rowsPerSecond * 1000));
    }

    public double percent() {
        return rowsTotal <= 0 ? 100.0 : Math.min(100.0, 100.0 * rowsCopied / rowsTotal);
    }
}
