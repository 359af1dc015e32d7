package dev.osc.engine.revert;

import dev.osc.engine.ConnectionConfig;
import dev.osc.engine.Migration;
import dev.osc.engine.OscException;
import dev.osc.engine.alter.ColumnMapping;
import dev.osc.engine.db.BinlogPosition;
import dev.osc.engine.db.Connections;
import dev.osc.engine.db.Queries;
import dev.osc.engine.db.Sql;
import dev.osc.engine.inspect.Column;
import dev.osc.engine.key.RowKey;
import dev.osc.engine.state.StateStore;
import dev.osc.engine.state.StateStoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code osc revert}: swaps back the old table that {@code osc run --execute} kept, within the
 * migration's revert window, after bringing it up to date with every change made to the table since
 * the cut-over (mapped back through the migration's column mapping). The changes come from the
 * binlog from the cut-over position on; rows are re-read from the table, verified in the old table,
 * and the swap is osc's cut-over. Work grows with the writes since the cut-over, not with the table.
 *
 * <p>Everything that could refuse is checked before anything is changed; a refusal is
 * {@link OscException.Kind#BAD_INPUT} and names the problem and the fix. The run holds the same
 * server lock as {@code osc run} on the table, so neither overlaps the other.
 */
public final class Revert {
    private static final Logger log = LoggerFactory.getLogger(Revert.class);

    private final RevertConfig config;
    private final RevertListener listener;

    public Revert(RevertConfig config, RevertListener listener) {
        this.config = config;
        this.listener = listener;
    }

    /** Checks everything and counts the changes since the cut-over; changes nothing. */
    public RevertPlan dryRun() {
        return locked(main -> {
            try (StateStore store = store(); Checked checked = check(main, store)) {
                return checked.plan;
            }
        });
    }

    /** Reverts: refuses as the dry run would, else carries the changes back and swaps the old table in. */
    public RevertResult execute() {
        long start = System.nanoTime();
        return locked(main -> {
            try (StateStore store = store(); Checked checked = check(main, store)) {
                RevertResult result;
                try {
                    result = new RevertRun(config, checked.target, checked.feed, checked.sessions, listener)
                            .run(checked.plan, start);
                } catch (OscException e) {
                    throw e;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw OscException.failed("interrupted; " + config.table() + " is intact and serves", e);
                } catch (Exception e) {
                    throw OscException.failed("the revert failed: " + e.getMessage() + "; " + config.table()
                            + " is intact and serves. Run osc revert again to carry every change back", e);
                }
                try {
                    store.reverted(checked.plan.migrationId(), checked.plan.keptAs());
                } catch (StateStoreException e) {
                    listener.notice("the revert is done, but could not be recorded in the state schema "
                            + config.stateSchema().name() + " (" + e.getMessage() + ")");
                }
                return result;
            }
        });
    }

    private StateStore store() {
        return new StateStore(config.connection(), config.stateSchema());
    }

    /** What the checks found, with the binlog stream that goes on feeding the changes. */
    private record Checked(RevertTarget target, ChangeFeed feed, ConnectionConfig sessions, RevertPlan plan)
            implements AutoCloseable {
        @Override
        public void close() {
            feed.close();
        }
    }

    private Checked check(Connection main, StateStore store) throws SQLException, InterruptedException {
        listener.step(RevertStep.CHECK, "checking the swap of " + config.database() + "." + config.table());
        RevertTarget target = new Preconditions(main, store, config.database(), config.table()).check();
        // a TIMESTAMP key's ranges follow instants only in UTC, as in the migration
        ConnectionConfig sessions = target.currentKeyColumns().stream().anyMatch(c -> c.dataType().equals("timestamp"))
                ? config.connection().withUtcSessions() : config.connection();
        ChangeFeed feed = new ChangeFeed(config.connection(), target, config.binlogReconnectAttempts());
        try {
            BinlogPosition to;
            try {
                feed.start();
                to = feed.catchUp(main);
            } catch (OscException e) {
                if (e.kind() != OscException.Kind.FAILED) {
                    throw e;
                }
                throw Preconditions.refused("osc cannot follow the changes to " + config.table() + " since the cut-over: "
                        + e.getMessage() + ". Nothing was changed");
            }
            feed.requireSwapSeen();
            List<RowKey> keys = feed.take(Integer.MAX_VALUE);
            List<String> problems;
            try (Connection c = Connections.open(sessions)) {
                problems = new MapBackCheck(target).problems(c, keys);
            }
            feed.putBack(keys);
            if (!problems.isEmpty()) {
                throw Preconditions.refused("osc cannot carry every row changed since the cut-over back into "
                        + target.old().name() + ", so it does not revert:\n  - " + String.join("\n  - ", problems)
                        + "\nChange or delete those rows so that they fit the old table, then run osc revert again;"
                        + " or keep the new schema. Nothing was changed");
            }
            RevertPlan plan = new RevertPlan(config.database(), config.table(), target.record().id(),
                    target.record().alterText(), target.old().name(), target.names().old(), target.record().cutoverAt(),
                    target.record().revertUntil(), target.from(), to, keys.size(), target.back().describe(), notes(target));
            listener.planned(plan);
            return new Checked(target, feed, sessions, plan);
        } catch (RuntimeException | SQLException | InterruptedException e) {
            feed.close();
            throw e;
        }
    }

    private static List<String> notes(RevertTarget target) {
        List<String> out = new ArrayList<>();
        for (Column c : target.kept()) {
            out.add("column " + c.name() + ", which the ALTER dropped, comes back: rows that were there at the cut-over keep"
                    + " their value, rows inserted since (or whose primary key changed) get its default"
                    + (c.defaultValue() == null ? (c.nullable() ? " (NULL)" : "") : " (" + c.defaultValue() + ")"));
        }
        ColumnMapping back = target.back();
        for (Column c : back.dropped()) {
            out.add("column " + c.name() + ", which the ALTER added, is not in the old table: its values stay in "
                    + target.names().old());
        }
        return out;
    }

    private interface Work<T> {
        T run(Connection main) throws Exception;
    }

    /**
     * Runs {@code work} holding the server lock {@code osc run} holds on the table, taken without
     * waiting: a run or another revert on the table is refused, not waited for.
     */
    private <T> T locked(Work<T> work) {
        String lockName = Migration.lockName(config.database(), config.table());
        try (Connection main = Connections.open(config.connection())) {
            // this session holds the lock for the whole revert; a server wait_timeout must not end it
            Queries.exec(main, "SET SESSION wait_timeout = 31536000");
            if (Queries.number(main, "SELECT COALESCE(GET_LOCK(?, 0), 0)", lockName) != 1) {
                throw Preconditions.refused("another osc run is changing this table (" + config.database() + "."
                        + config.table() + ": it holds the server lock '" + lockName + "'). Let it finish, or stop it"
                        + " with osc abort, then run osc revert again; nothing was changed");
            }
            try {
                return work.run(main);
            } finally {
                try {
                    Queries.exec(main, "DO RELEASE_LOCK(" + Sql.literal(lockName) + ")");
                } catch (SQLException e) {
                    // the lock ends with the session anyway
                    log.warn("could not release the lock {}: {}", lockName, e.getMessage());
                }
            }
        } catch (OscException e) {
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw OscException.failed("interrupted; nothing was swapped", e);
        } catch (SQLException e) {
            throw OscException.server("lost the connection to " + config.connection().describe() + ": " + e.getMessage(), e);
        } catch (Exception e) {
            throw OscException.failed("the revert failed: " + e.getMessage(), e);
        }
    }
}
