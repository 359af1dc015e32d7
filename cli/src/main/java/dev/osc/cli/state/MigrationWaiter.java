package dev.osc.cli.state;

import dev.osc.cli.ExitCodes;
import dev.osc.engine.ConnectionConfig;
import dev.osc.engine.Durations;
import dev.osc.engine.Migration;
import dev.osc.engine.db.Connections;
import dev.osc.engine.db.NamedLocks;
import dev.osc.engine.db.Sql;
import dev.osc.engine.state.MigrationRecord;
import dev.osc.engine.state.Outcome;
import dev.osc.engine.state.StateSchema;
import dev.osc.engine.state.StateStore;
import dev.osc.engine.state.StateStoreException;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Waits until no migration of a table is pending or running, then tells how the last one ended.
 * Pending or running means a live {@code running} row in the state table, or the table's migration
 * lock held by some session (a run that has not recorded itself, or one using another state
 * schema, still holds it). A row whose owner went silent counts as ended: its process died.
 */
final class MigrationWaiter {
    private final ConnectionConfig config;
    private final StateSchema schema;
    private final String database;
    private final String table;
    private final Duration timeout;
    private final Duration poll;
    private final boolean requireMigration;
    private final PrintWriter out;
    private final PrintWriter err;

    MigrationWaiter(ConnectionConfig config, StateSchema schema, String database, String table, Duration timeout,
                    Duration poll, boolean requireMigration, PrintWriter out, PrintWriter err) {
        this.config = config;
        this.schema = schema;
        this.database = database;
        this.table = table;
        this.timeout = timeout;
        this.poll = poll;
        this.requireMigration = requireMigration;
        this.out = out;
        this.err = err;
    }

    /** @return the exit code: 0 succeeded or nothing to wait for, 1 failed, aborted or died, 3 server problem, 4 timeout */
    int await() {
        String lock = Migration.lockName(database, table);
        Instant deadline = Instant.now().plus(timeout);
        String said = null;
        try (StateStore store = new StateStore(config, schema); Connection c = Connections.open(config)) {
            while (true) {
                Optional<MigrationRecord> live = store.running(database, table);
                OptionalLong holder = NamedLocks.holder(c, lock);
                Optional<MigrationRecord> ended = store.lastEnded(database, table);
                String waitingFor = live.map(this::describe)
                        .orElse(holder.isPresent() ? "the migration lock '" + lock + "', held by session "
                                + holder.getAsLong() + " (an osc run, revert or cleanup is at work on " + target() + ")"
                                : ended.isEmpty() && requireMigration ? "a migration of " + target() + " to be recorded in "
                                + Sql.quote(schema.name()) + " (--require-migration)" : null);
                if (waitingFor == null) {
                    return verdict(ended);
                }
                // one line per change of what it waits for, not one per poll
                if (!waitingFor.equals(said)) {
                    out.println("waiting for " + waitingFor);
                    out.flush();
                    said = waitingFor;
                }
                Duration left = Duration.between(Instant.now(), deadline);
                if (left.isNegative() || left.isZero()) {
                    err.println("osc: timed out after " + Durations.format(timeout) + " still waiting for " + waitingFor
                            + "; nothing was changed. Look at it with osc status --database " + database + " --table "
                            + table + ", or wait longer with --timeout");
                    return ExitCodes.TIMEOUT;
                }
                try {
                    Thread.sleep(Math.max(1, Math.min(poll.toMillis(), left.toMillis())));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    err.println("osc: interrupted while waiting for " + waitingFor);
                    return ExitCodes.TIMEOUT;
                }
            }
        } catch (StateStoreException e) {
            err.println("osc: " + e.getMessage());
            return ExitCodes.SERVER;
        } catch (SQLException e) {
            err.println("osc: cannot read the migration lock of " + target() + " on " + config.describe() + ": "
                    + e.getMessage());
            return ExitCodes.SERVER;
        } finally {
            out.flush();
            err.flush();
        }
    }

    private int verdict(Optional<MigrationRecord> ended) {
        if (ended.isEmpty()) {
            out.println("no migration of " + target() + " is recorded in " + Sql.quote(schema.name()) + " on "
                    + config.host() + ":" + config.port() + "; nothing to wait for (--require-migration waits for one)");
            return ExitCodes.OK;
        }
        MigrationRecord m = ended.get();
        String which = "migration " + m.id() + " on " + target();
        if (m.outcome() == Outcome.SUCCEEDED) {
            out.println(which + " succeeded at " + utc(m.finishedAt()));
            return ExitCodes.OK;
        }
        if (m.outcome() == Outcome.RUNNING) {
            err.println("osc: " + which + " did not complete: its process " + m.owner() + " stopped updating at "
                    + utc(m.updatedAt()) + " and most likely died (phase " + m.phase().label() + "). Run the same osc run"
                    + " command again to finish it");
            return ExitCodes.FAILED;
        }
        err.println("osc: " + which + " " + m.outcome().label() + " at " + utc(m.finishedAt())
                + (m.error() == null || m.error().isBlank() ? "" : ": " + m.error()));
        return ExitCodes.FAILED;
    }

    private String describe(MigrationRecord m) {
        return "migration " + m.id() + " on " + target() + " (owner " + m.owner() + ", phase " + m.phase().label() + ")";
    }

    private String target() {
        return database + "." + table;
    }

    private static String utc(Instant at) {
        return at == null ? "?" : at.truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
