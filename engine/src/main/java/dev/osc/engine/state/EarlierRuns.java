package dev.osc.engine.state;

import dev.osc.engine.OscException;
import dev.osc.engine.Phase;
import dev.osc.engine.db.BinlogPosition;
import dev.osc.engine.db.Queries;
import dev.osc.engine.db.ServerInfo;
import dev.osc.engine.db.Sql;
import dev.osc.engine.inspect.Inspector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * What a run that holds a table's migration lock learns from the state schema about the other
 * runs of that table: who held the lock before it, which of them died, and whether a dead one left
 * a shadow table and a checkpoint to resume from.
 */
public final class EarlierRuns {
    private static final Logger log = LoggerFactory.getLogger(EarlierRuns.class);
    /** A record silent this long belongs to a dead process: it is written every 2 s while it lives. */
    public static final Duration DEAD_AFTER = Duration.ofSeconds(10);

    private final StateStore store;
    private final long ownId;
    private final Connection main;
    private final String database;
    private final String table;
    private final String alter;
    private final Consumer<String> notices;
    private final Runnable cancelled;

    /**
     * @param ownId     this run's record, never taken for another run
     * @param main      the session that holds the table's lock
     * @param cancelled throws when the run was cancelled while it waits
     */
    public EarlierRuns(StateStore store, long ownId, Connection main, String database, String table, String alter,
                       Consumer<String> notices, Runnable cancelled) {
        this.store = store;
        this.ownId = ownId;
        this.main = main;
        this.database = database;
        this.table = table;
        this.alter = alter;
        this.notices = notices;
        this.cancelled = cancelled;
    }

    /**
     * Records of earlier runs of this table that died without a shadow table to resume (the
     * process was killed before creating it, or someone dropped it) are closed as failed, so
     * that osc status and osc wait do not show them as running forever.
     */
    public void closeDead() throws SQLException {
        try {
            java.time.Instant now = store.serverTime();
            for (MigrationRecord r : store.recent(database, table, 50)) {
                if (r.outcome() == Outcome.RUNNING && r.id() != ownId && r.phase() != Phase.PREFLIGHT
                        && Duration.between(r.updatedAt(), now).compareTo(DEAD_AFTER) >= 0) {
                    store.finish(r.id(), Outcome.FAILED, "its osc process stopped (silent since " + r.updatedAt()
                            + "); migration " + ownId + " found nothing of it to resume");
                }
            }
        } catch (StateStoreException e) {
            log.warn("could not close the records of dead runs: {}", e.getMessage());
        }
    }

    /** Who holds the table's lock, as far as the state schema knows: " (migration 7 on host:123, phase copy)". */
    public String lockHolder() {
        try {
            return store.recent(database, table, 10).stream()
                    .filter(r -> r.live() && r.id() != ownId && r.phase() != Phase.PREFLIGHT).findFirst()
                    .map(r -> " (migration " + r.id() + " by " + r.owner() + ", phase " + r.phase().label() + ")")
                    .orElse("");
        } catch (StateStoreException e) {
            return "";
        }
    }

    /** What a run resumes from: a crashed run's checkpoint and its binlog position. */
    public record Resume(long deadRun, Checkpoint checkpoint, BinlogPosition position) {
    }

    /**
     * Decides, under the table's lock, what to do with a shadow table a crashed run left: resume
     * from its checkpoint when that is safe, else drop it and start over, saying why. A shadow
     * table no run of osc's state claims is left alone (the plan's blocker then stops the run).
     */
    public Optional<Resume> resumable(String shadow) throws SQLException {
        Optional<MigrationRecord> dead;
        try {
            // Holding the lock, another run past preflight on this table has died, or lost its
            // lock and is about to notice (it checks every 2 s and then stops). Only a record
            // whose owner stopped updating it counts as dead: wait for that.
            dead = awaitSilent(shadow);
        } catch (StateStoreException e) {
            notices.accept("could not read the state schema to look for a crashed run: " + e.getMessage());
            return Optional.empty();
        }
        if (dead.isEmpty()) {
            return Optional.empty();
        }
        MigrationRecord run = dead.get();
        String why = unusable(run, shadow);
        if (why == null) {
            Checkpoint cp = Checkpoint.fromJson(run.checkpoint()).orElseThrow();
            finishDead(run, "its osc process stopped; migration " + ownId + " resumed it from its checkpoint");
            return Optional.of(new Resume(run.id(), cp, run.checkpointPosition().orElseThrow()));
        }
        notices.accept("migration " + run.id() + " (by " + run.owner() + ") stopped during " + run.phase().label()
                + " and left " + shadow + "; it cannot be resumed (" + why + "), so osc drops that"
                + " table and starts over");
        Queries.exec(main, "DROP TABLE IF EXISTS " + Sql.quote(database, shadow));
        finishDead(run, "its osc process stopped; migration " + ownId + " started over (" + why + ")");
        return Optional.empty();
    }

    private Optional<MigrationRecord> awaitSilent(String shadow) throws StateStoreException, SQLException {
        long deadline = System.nanoTime() + 2 * DEAD_AFTER.toNanos();
        boolean told = false;
        while (true) {
            // the newest other run that made this shadow table
            Optional<MigrationRecord> other = store.recent(database, table, 20).stream()
                    .filter(r -> r.id() != ownId && r.phase() != Phase.PREFLIGHT
                            && shadow.equals(r.shadowTable()))
                    .findFirst();
            if (other.isEmpty() || other.get().outcome() == Outcome.SUCCEEDED) {
                return Optional.empty();
            }
            if (other.get().outcome() != Outcome.RUNNING) {
                // it stopped and left the table on purpose (it lost its lock); any other ended run
                // dropped its shadow table, so this one is not its
                String error = other.get().error() == null ? "" : other.get().error();
                return error.contains("leaves " + shadow + " in place") ? other : Optional.empty();
            }
            java.time.Instant now = store.serverTime();
            if (Duration.between(other.get().updatedAt(), now).compareTo(DEAD_AFTER) >= 0) {
                return other;
            }
            if (System.nanoTime() > deadline) {
                throw new OscException(OscException.Kind.FAILED, "migration " + other.get().id() + " (by "
                        + other.get().owner() + ") still updates its record but does not hold the table's lock;"
                        + " osc will not touch its shadow table. Nothing was changed; try again in a minute");
            }
            if (!told) {
                notices.accept("migration " + other.get().id() + " (by " + other.get().owner() + ") left "
                        + shadow + "; waiting until its record has been silent for "
                        + DEAD_AFTER.toSeconds() + " s to be sure its process is gone");
                told = true;
            }
            cancelled.run();
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new OscException(OscException.Kind.FAILED, "interrupted; nothing was changed", e);
            }
        }
    }

    /** Why the crashed run's work cannot be used, or null when it can. */
    private String unusable(MigrationRecord run, String shadow) throws SQLException {
        if (!run.alterText().trim().equals(alter)) {
            return "it ran another ALTER: " + run.alterText();
        }
        Optional<Checkpoint> cp = Checkpoint.fromJson(run.checkpoint());
        if (cp.isEmpty() || run.checkpointPosition().isEmpty()) {
            return "it recorded no checkpoint";
        }
        Inspector inspector = new Inspector(main);
        if (!Inspector.hash(inspector.definition(Sql.quote(database, table))).equals(cp.get().sourceDefinition())) {
            return "the definition of " + table + " changed since";
        }
        if (!Inspector.hash(inspector.definition(Sql.quote(database, shadow))).equals(cp.get().shadowDefinition())) {
            return "the definition of " + shadow + " changed since";
        }
        String file = run.checkpointPosition().get().file();
        if (!ServerInfo.binlogFiles(main).contains(file)) {
            return "the binary log " + file + " it must follow again was purged";
        }
        return null;
    }

    private void finishDead(MigrationRecord run, String error) {
        if (run.outcome() != Outcome.RUNNING) {
            return;
        }
        try {
            store.finish(run.id(), Outcome.FAILED, error);
        } catch (StateStoreException e) {
            log.warn("could not record the end of crashed migration {}: {}", run.id(), e.getMessage());
        }
    }
}
