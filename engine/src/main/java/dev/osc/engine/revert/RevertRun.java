package dev.osc.engine.revert;

import dev.osc.engine.ConnectionConfig;
import dev.osc.engine.OscException;
import dev.osc.engine.cutover.AutoIncrement;
import dev.osc.engine.cutover.CutOver;
import dev.osc.engine.db.BinlogPosition;
import dev.osc.engine.db.Connections;
import dev.osc.engine.db.Queries;
import dev.osc.engine.db.ServerInfo;
import dev.osc.engine.db.Sql;
import dev.osc.engine.inspect.Inspector;
import dev.osc.engine.key.RowKey;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Carries the changes since the cut-over back into the old table, checks that both tables hold as
 * many rows at one moment, and swaps them back with osc's cut-over. Until the swap the table keeps
 * serving unchanged; only the old table is written.
 */
final class RevertRun {
    private static final Duration CATCH_UP_WAIT = Duration.ofSeconds(30);
    /** Changed keys carried back per transaction, as the migration's applier does. */
    private static final int KEYS_PER_TRANSACTION = 10_000;
    private static final int DUPLICATE_KEY = 1062;
    /** Server errors of a value that does not fit its column in strict mode. */
    private static final Set<Integer> VALUE_ERRORS = Set.of(1048, 1264, 1265, 1292, 1364, 1366, 1406, 4025);

    private final RevertConfig config;
    private final RevertTarget target;
    private final ChangeFeed feed;
    private final ConnectionConfig sessions;
    private final RevertListener listener;
    private final RevertApplier applier;
    private final String database;
    private long applied;

    RevertRun(RevertConfig config, RevertTarget target, ChangeFeed feed, ConnectionConfig sessions, RevertListener listener) {
        this.config = config;
        this.target = target;
        this.feed = feed;
        this.sessions = sessions;
        this.listener = listener;
        this.applier = new RevertApplier(target, config.applyBatchKeys());
        this.database = target.database();
    }

    RevertResult run(RevertPlan plan, long start) throws Exception {
        String table = target.current().name();
        String old = target.old().name();
        try (Connection work = Connections.open(sessions)) {
            listener.step(RevertStep.CATCH_UP, feed.pending() + " changed rows to carry back into " + old);
            catchUp(work);
            listener.step(RevertStep.VERIFY, "comparing the row counts of " + table + " and " + old);
            long rows = countAtOneMoment(work);
            catchUp(work);
            listener.step(RevertStep.CUT_OVER, "swapping " + old + " back in for " + table);
            feed.expectOwnSwap(CutOver.renameStatement(database, target.names()));
            CutOver.Result cut = new CutOver(sessions, database, target.names(), config.lockWait(), config.cutOverAttempts(),
                    config.cutOverBackoff(), lock -> {
                        requireUnchanged(lock);
                        drainUnderLock(lock);
                        AutoIncrement.carry(lock, database, table, old);
                    }, listener::notice).run();
            listener.step(RevertStep.DONE, table + " has its old schema again; the table it replaced is kept as "
                    + target.names().old());
            return new RevertResult(plan, applied, rows, cut.attempts(), cut.lockMillis(),
                    Duration.ofNanos(System.nanoTime() - start));
        }
    }

    /** Carries back what is pending until less than one batch is left (or the wait is over). */
    private void catchUp(Connection c) throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + CATCH_UP_WAIT.toNanos();
        while (true) {
            feed.awaitPosition(ServerInfo.binlogPosition(c), CATCH_UP_WAIT);
            applyAllPending(c);
            if (feed.pending() < config.applyBatchKeys() || System.nanoTime() > deadline) {
                return;
            }
        }
    }

    private void applyAllPending(Connection c) throws SQLException, InterruptedException {
        while (feed.pending() > 0) {
            applyPending(c, KEYS_PER_TRANSACTION);
        }
    }

    private void applyPending(Connection c, int max) throws SQLException, InterruptedException {
        feed.checkHealthy();
        List<RowKey> keys = feed.take(max);
        if (keys.isEmpty()) {
            return;
        }
        try {
            List<RowKey> again = applier.apply(c, keys);
            feed.putBack(again);
            applied += keys.size() - again.size();
        } catch (SQLException e) {
            feed.putBack(keys);
            if (e.getErrorCode() != DUPLICATE_KEY) {
                throw valueError(e);
            }
            applyEverythingPending(c, e);
        }
    }

    /**
     * A row collided on a unique key of the old table with a stale row whose own change is not
     * carried back yet (a unique value moved between rows): catch up and carry everything pending
     * back at once, so both are deleted before either is inserted. A collision that survives is a
     * real duplicate the old table's key rejects.
     */
    private void applyEverythingPending(Connection c, SQLException first) throws SQLException, InterruptedException {
        SQLException last = first;
        for (int attempt = 0; attempt < 3; attempt++) {
            feed.awaitPosition(ServerInfo.binlogPosition(c), CATCH_UP_WAIT);
            List<RowKey> keys = feed.take(Integer.MAX_VALUE);
            try {
                List<RowKey> again = applier.apply(c, keys);
                feed.putBack(again);
                applied += keys.size() - again.size();
                return;
            } catch (SQLException e) {
                feed.putBack(keys);
                if (e.getErrorCode() != DUPLICATE_KEY) {
                    throw valueError(e);
                }
                last = e;
            }
        }
        throw new OscException(OscException.Kind.FAILED, "a row changed since the cut-over collides on a unique key of "
                + target.old().name() + " (" + last.getMessage() + "). osc does not swap; " + target.current().name()
                + " is intact and serves. Run osc revert without --execute to list the rows", last);
    }

    /** A value the old column rejects fails the revert with what to do; any other error is returned to throw. */
    private SQLException valueError(SQLException e) {
        if (!VALUE_ERRORS.contains(e.getErrorCode())) {
            return e;
        }
        throw new OscException(OscException.Kind.FAILED, "a row changed since the cut-over holds a value that "
                + target.old().name() + " cannot take (" + e.getMessage() + "). osc does not swap; "
                + target.current().name() + " is intact and serves. Run osc revert without --execute to list the rows"
                + " that do not fit; change them, then run osc revert --execute again", e);
    }

    /**
     * With the table locked: wait for the binlog to reach the present and carry everything pending
     * back. Writes wait meanwhile, so a stream that lags more than the lock wait gives the attempt up.
     */
    private void drainUnderLock(Connection lockHolder) throws Exception {
        CutOver.requireStreamCaughtUp(feed, lockHolder, config.lockWait());
        applyAllPending(lockHolder);
    }

    /** The table must still be the one checked: an index or trigger added since would vanish with the swap. */
    private void requireUnchanged(Connection lockHolder) throws SQLException {
        Inspector inspector = new Inspector(lockHolder);
        String table = target.current().name();
        if (!inspector.definition(Sql.quote(database, table)).equals(target.definition())
                || !inspector.triggers(database, table).isEmpty()) {
            throw new OscException(OscException.Kind.FAILED, "the definition of " + table + " (indexes, columns or"
                    + " triggers) changed while osc was reverting it; osc does not swap back. " + table + " is intact and"
                    + " serves; run osc revert again to check the change");
        }
    }

    /**
     * Both tables' row counts at one moment: the table read-locked for an instant while every change
     * before it is carried back and consistent snapshots open; the counts then run on the snapshots
     * while changes go on being carried back. The only check that reads the whole table, by its
     * smallest index, without holding any lock.
     */
    private long countAtOneMoment(Connection work) throws Exception {
        List<Connection> snapshots = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                Connection s = Connections.open(sessions);
                Queries.exec(s, "SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ");
                snapshots.add(s);
            }
            openSnapshotsUnderLock(snapshots);
            ExecutorService two = Executors.newFixedThreadPool(2, r -> {
                Thread t = new Thread(r, "osc-revert-count");
                t.setDaemon(true);
                return t;
            });
            try {
                Future<Long> now = two.submit(() -> Queries.number(snapshots.get(0), "SELECT COUNT(*) FROM "
                        + Sql.quote(database, target.current().name())));
                Future<Long> back = two.submit(() -> Queries.number(snapshots.get(1), "SELECT COUNT(*) FROM "
                        + Sql.quote(database, target.old().name())));
                while (!now.isDone() || !back.isDone()) {
                    applyPending(work, KEYS_PER_TRANSACTION);
                    Thread.sleep(feed.pending() == 0 ? 50 : 0);
                }
                if (!now.get().equals(back.get())) {
                    throw new OscException(OscException.Kind.FAILED, target.current().name() + " had " + now.get()
                            + " rows and " + target.old().name() + " " + back.get() + " at the same moment, after every"
                            + " change since the cut-over was carried back; osc does not swap tables that differ. "
                            + target.current().name() + " is intact and serves");
                }
                return now.get();
            } finally {
                two.shutdownNow();
            }
        } finally {
            for (Connection s : snapshots) {
                try {
                    s.close();
                } catch (SQLException e) {
                    // the snapshot ends with the connection either way
                }
            }
        }
    }

    private void openSnapshotsUnderLock(List<Connection> snapshots) throws Exception {
        String table = Sql.quote(database, target.current().name());
        String old = Sql.quote(database, target.old().name());
        String lastError = null;
        for (int attempt = 1; attempt <= config.cutOverAttempts(); attempt++) {
            try (Connection lock = Connections.open(sessions)) {
                Queries.setLockWaitTimeout(lock, config.lockWait());
                try {
                    Queries.exec(lock, "LOCK TABLES " + table + " READ, " + old + " WRITE");
                } catch (SQLException e) {
                    lastError = e.getMessage();
                    listener.notice("could not lock " + target.current().name() + " to compare row counts (attempt "
                            + attempt + "): " + e.getMessage());
                    Thread.sleep(config.cutOverBackoff().toMillis() << Math.min(attempt - 1, 6));
                    continue;
                }
                try {
                    drainUnderLock(lock);
                    for (Connection s : snapshots) {
                        Queries.exec(s, "START TRANSACTION WITH CONSISTENT SNAPSHOT");
                    }
                    return;
                } catch (CutOver.NotCaughtUp e) {
                    lastError = e.getMessage();
                    listener.notice("row count attempt " + attempt + ": " + e.getMessage() + "; trying again");
                    Thread.sleep(config.cutOverBackoff().toMillis());
                } finally {
                    Queries.exec(lock, "UNLOCK TABLES");
                }
            }
        }
        throw new OscException(OscException.Kind.FAILED, "could not lock " + target.current().name() + " to compare row"
                + " counts after " + config.cutOverAttempts() + " attempts (" + lastError + "); osc does not swap. "
                + target.current().name() + " is intact and serves");
    }
}
