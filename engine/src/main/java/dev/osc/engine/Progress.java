package dev.osc.engine;

import java.time.Duration;

/**
 * Where a migration stands.
 *
 * @param rowsTotal      the estimated number of rows to copy (never below rowsCopied)
 * @param binlogLagSeconds how far the applier is behind the binary log, in seconds
 */
public record Progress(Phase phase, long rowsCopied, long rowsTotal, double rowsPerSecond, long changesApplied,
                       long changesPending, double binlogLagSeconds, Duration elapsed) {}
