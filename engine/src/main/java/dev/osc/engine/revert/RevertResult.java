package dev.osc.engine.revert;

import java.time.Duration;

/**
 * How a revert went.
 *
 * @param rowsApplied  changed rows carried back (a row changed again after it was carried back counts again)
 * @param tableRows    rows in both tables at the verified moment before the swap
 * @param lockMillis   how long the swap held application writes
 */
public record RevertResult(RevertPlan plan, long rowsApplied, long tableRows, int cutOverAttempts, long lockMillis,
                           Duration took) {
}
