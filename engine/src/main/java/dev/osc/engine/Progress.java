package dev.osc.engine;

import java.time.Duration;

/**
 * Where a migration stands.
 *
 * @param rowsTotal        the estimated number of rows to copy (never below rowsCopied)
 * @param binlogLagSeconds how far the applier is behind the binary log, in seconds
 * @param throttleReason   why osc holds back right now, or empty when it does not
 * @param copyThreads      copy workers currently running
 */
public record Progress(Phase phase, long rowsCopied, long rowsTotal, double rowsPerSecond, long changesApplied,
                       long changesPending, double binlogLagSeconds, Duration elapsed, String throttleReason,
                       int copyThreads) {

    public boolean throttled() {
        return throttleReason != null && !throttleReason.isEmpty();
    }

    /** Percentage of rows copied, 0-100. */
    public double percent() {
        return rowsTotal <= 0 ? 100.0 : Math.min(100.0, rowsCopied * 100.0 / rowsTotal);
    }
}
