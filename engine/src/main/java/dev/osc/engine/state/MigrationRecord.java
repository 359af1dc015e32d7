package dev.osc.engine.state;

import dev.osc.engine.Phase;
import dev.osc.engine.plan.Method;

import java.time.Instant;

/**
 * One row of the {@code migrations} table, as read. Times are instants (stored in UTC).
 *
 * @param owner     {@code host:pid} of the osc process that runs or ran it
 * @param updatedAt when the owner last wrote the row; it does so every few seconds while it lives
 * @param stale     the outcome is still running but the owner stopped updating the row longer ago
 *                  than the store's threshold: its process most likely died
 * @param binlogPos null when no position was recorded
 * @param cutoverBinlogFile with {@code cutoverBinlogPos}: the binlog position read under the cut-over
 *                  lock, where writes to the new table begin (what a revert replays); null before
 */
public record MigrationRecord(long id, String database, String table, String alterText, Method method, String plan,
                              Phase phase, Outcome outcome, String error, String owner, Instant startedAt,
                              Instant updatedAt, Instant finishedAt, Instant cutoverAt, Instant revertUntil,
                              String oldTable, String shadowTable, long rowsCopied, long rowsTotal, long changesApplied,
                              double rowsPerSecond, double binlogLagSeconds, String throttleReason, String settings,
                              String checkpoint, String binlogFile, Long binlogPos, boolean stale,
                              String cutoverBinlogFile, Long cutoverBinlogPos) {

    /** Running, and its owner still updates it. */
    public boolean live() {
        return outcome == Outcome.RUNNING && !stale;
    }

    /** {@code database.table}, for messages. */
    public String target() {
        return database + "." + table;
    }

    /** The cut-over's binlog position, when the swap happened. */
    public java.util.Optional<dev.osc.engine.db.BinlogPosition> cutoverPosition() {
        return cutoverBinlogFile == null || cutoverBinlogPos == null ? java.util.Optional.empty()
                : java.util.Optional.of(new dev.osc.engine.db.BinlogPosition(cutoverBinlogFile, cutoverBinlogPos));
    }

    /** The checkpoint's binlog position, when one was recorded. */
    public java.util.Optional<dev.osc.engine.db.BinlogPosition> checkpointPosition() {
        return binlogFile == null || binlogPos == null ? java.util.Optional.empty()
                : java.util.Optional.of(new dev.osc.engine.db.BinlogPosition(binlogFile, binlogPos));
    }
}
