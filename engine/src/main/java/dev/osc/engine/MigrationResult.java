package dev.osc.engine;

import java.time.Duration;

/**
 * What a migration did.
 *
 * @param executed        false for a dry run or an already applied change: nothing was changed
 * @param method          how the change was carried out (COPY when an INSTANT attempt fell back)
 * @param checksumRounds  checksum passes run (more than one when differences were repaired)
 * @param rangesRepaired  key ranges the checksum found different and re-copied
 * @param cutOverAttempts attempts the swap took
 * @param lockMillis      how long the application's writes were held at the swap
 * @param reads           how the copy and the applier read the table; null when nothing was copied
 * @param copyThreads     copy workers the run started with (osc set threads may have changed it); 0 without a copy
 */
public record MigrationResult(Plan plan, dev.osc.engine.plan.Method method, boolean executed, long rowsCopied, long changesApplied, Duration copyTime,
                              Duration total, int checksumRounds, long rowsChecked, int rangesRepaired,
                              int cutOverAttempts, long lockMillis, long binlogReconnects,
                              dev.osc.engine.copy.ReadMode reads, int copyThreads) {
}
