package dev.osc.engine.cleanup;

import dev.osc.engine.Migration;
import dev.osc.engine.db.NamedLocks;
import dev.osc.engine.db.Queries;
import dev.osc.engine.db.Sql;
import dev.osc.engine.inspect.Inspector;
import dev.osc.engine.state.MigrationRecord;
import dev.osc.engine.state.StateStore;
import dev.osc.engine.state.StateStoreException;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;

/**
 * Drops a leftover {@link LeftoverFinder} marked for dropping, under the migration lock of the
 * table it belongs to, so that no run can start on that table while it goes: a run takes the same
 * lock before it creates or renames anything.
 */
public final class LeftoverDropper {
    /** How long to wait for the migration lock; a run holds it for the whole migration, so waiting longer gains nothing. */
    public static final Duration LOCK_WAIT = Duration.ofSeconds(2);

    private final Connection connection;
    private final StateStore store;

    public LeftoverDropper(Connection connection, StateStore store) {
        this.connection = connection;
        this.store = store;
    }

    /**
     * Drops the table unless, now that the lock is held, it turns out to be in use.
     *
     * @return the leftover as dropped, or as kept with the reason it was kept after all
     */
    public Leftover drop(Leftover leftover) throws SQLException, StateStoreException {
        if (!leftover.drop()) {
            return leftover;
        }
        if (leftover.source() == null) {
            return leftover.keep("not attributed to a table, so osc cannot take its migration lock");
        }
        String lock = Migration.lockName(leftover.database(), leftover.source());
        if (!NamedLocks.tryLock(connection, lock, LOCK_WAIT)) {
            return leftover.keep("another session took the migration lock of " + leftover.database() + "."
                    + leftover.source() + " meanwhile; run cleanup again when it has ended");
        }
        try {
            if (leftover.kind() == Leftover.Kind.SHADOW) {
                // a run may have registered between the look and the lock; it waits for the lock now
                Optional<MigrationRecord> live = store.running(leftover.database(), leftover.source());
                if (live.isPresent()) {
                    return leftover.keep("migration " + live.get().id() + " started on " + live.get().target()
                            + " meanwhile; never dropped");
                }
            }
            if (!new Inspector(connection).tableExists(leftover.database(), leftover.table())) {
                return leftover.keep("it no longer exists (dropped by someone else meanwhile)");
            }
            Queries.exec(connection, "DROP TABLE " + Sql.quote(leftover.database(), leftover.table()));
            return leftover;
        } finally {
            try {
                NamedLocks.release(connection, lock);
            } catch (SQLException e) {
                // the lock ends with the session anyway; the drop's own outcome is what counts
            }
        }
    }
}
