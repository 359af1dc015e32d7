package dev.osc.engine.revert;

import dev.osc.engine.ConnectionConfig;
import dev.osc.engine.OscException;
import dev.osc.engine.state.StateSchema;

import java.time.Duration;
import java.util.Objects;

/**
 * What {@link Revert} swaps back and how it holds the table at the swap.
 *
 * @param stateSchema where the migration's record is (its cut-over position and revert window)
 * @param lockWait    longest wait for the table lock per swap attempt, as {@code osc run --lock-wait-timeout}
 * @param applyBatchKeys changed keys per statement when carrying changes back
 */
public record RevertConfig(ConnectionConfig connection, String database, String table, StateSchema stateSchema,
                           Duration lockWait, int cutOverAttempts, Duration cutOverBackoff, int applyBatchKeys,
                           int binlogReconnectAttempts) {

    public RevertConfig {
        Objects.requireNonNull(connection, "connection");
        Objects.requireNonNull(stateSchema, "stateSchema");
        if (database == null || database.isBlank()) {
            throw OscException.badInput("--database is empty: give the database that holds the table");
        }
        if (table == null || table.isBlank()) {
            throw OscException.badInput("--table is empty: give the table whose migration to revert");
        }
        if (lockWait == null || lockWait.isNegative() || lockWait.isZero()) {
            throw OscException.badInput("--lock-wait-timeout must be positive, e.g. 3s");
        }
        if (cutOverAttempts < 1) {
            throw OscException.badInput("--cutover-attempts must be at least 1, got " + cutOverAttempts);
        }
        if (applyBatchKeys < 1 || binlogReconnectAttempts < 0 || cutOverBackoff == null || cutOverBackoff.isNegative()) {
            throw new IllegalArgumentException("apply batch, reconnect attempts and backoff must be positive");
        }
    }

    /** The defaults of {@code osc run}: 3 s lock wait, 5 swap attempts 1 s apart and growing. */
    public static RevertConfig of(ConnectionConfig connection, String database, String table, StateSchema stateSchema) {
        return new RevertConfig(connection, database, table, stateSchema, Duration.ofSeconds(3), 5, Duration.ofSeconds(1),
                500, 5);
    }

    public RevertConfig withLockWait(Duration wait) {
        return new RevertConfig(connection, database, table, stateSchema, wait, cutOverAttempts, cutOverBackoff,
                applyBatchKeys, binlogReconnectAttempts);
    }

    public RevertConfig withCutOverAttempts(int attempts, Duration backoff) {
        return new RevertConfig(connection, database, table, stateSchema, lockWait, attempts, backoff, applyBatchKeys,
                binlogReconnectAttempts);
    }
}
