package dev.osc.engine.cutover;

import dev.osc.engine.ConnectionConfig;
import dev.osc.engine.OscException;
import dev.osc.engine.db.Connections;
import dev.osc.engine.db.Queries;
import dev.osc.engine.db.Sql;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Swaps the shadow table in, atomically, with the two-session sequence that is safe on MariaDB
 * and MySQL alike (shared/notes/cutover.md):
 * <ol>
 *   <li>session A creates a sentry table under the old table's name and locks source, sentry and
 *       shadow for writing, waiting at most the configured lock wait;</li>
 *   <li>A drains every change committed before the lock into the shadow table;</li>
 *   <li>session B issues {@code RENAME TABLE source TO old, shadow TO source}, which queues behind
 *       A's locks and ahead of every application statement;</li>
 *   <li>A drops the sentry and unlocks; B's rename runs first.</li>
 * </ol>
 * On every failure the sentry is still there when A's locks go, so B's rename fails with "table
 * exists" and the original table keeps serving, unchanged. Failed attempts are retried with
 * backoff.
 */
public final class CutOver {
    private static final Logger log = LoggerFactory.getLogger(CutOver.class);
    public static final String SENTRY_COMMENT = "osc cut-over sentry";

    /** Brings the shadow table fully up to date, using the connection that holds the locks. */
    public interface Drainer {
        void drain(Connection lockHolder) throws Exception;
    }

    /**
     * The drain could not finish while the lock was held (the binlog stream lagged): the attempt
     * is given up, the locks released, and a later attempt may succeed.
     */
    public static final class NotCaughtUp extends Exception {
        public NotCaughtUp(String message) {
            super(message);
        }
    }

    /** How the cut-over went. */
    public record Result(int attempts, long lockMillis) {
    }

    private final ConnectionConfig connection;
    private final String database;
    private final TableNames names;
    private final Duration lockWait;
    private final int attempts;
    private final Duration backoff;
    private final Drainer drainer;
    private final Consumer<String> notice;

    public CutOver(ConnectionConfig connection, String database, TableNames names, Duration lockWait, int attempts,
                   Duration backoff, Drainer drainer, Consumer<String> notice) {
        this.connection = connection;
        this.database = database;
        this.names = names;
        this.lockWait = lockWait;
        this.attempts = attempts;
        this.backoff = backoff;
        this.drainer = drainer;
        this.notice = notice;
    }

    public Result run() throws InterruptedException {
        String lastError = "";
        for (int attempt = 1; attempt <= attempts; attempt++) {
            if (attempt > 1 && swappedAlready()) {
                // an earlier attempt's rename went through although osc saw it fail
                return new Result(attempt - 1, 0);
            }
            try {
                long lockMillis = attempt();
                return new Result(attempt, lockMillis);
            } catch (AttemptFailed e) {
                lastError = e.getMessage();
                notice.accept("cut-over attempt " + attempt + " of " + attempts + " failed: " + lastError
                        + "; the original table keeps serving");
            }
            if (attempt < attempts) {
                Thread.sleep(backoff.toMillis() << Math.min(attempt - 1, 6));
            }
        }
        throw new OscException(OscException.Kind.FAILED, "cut-over failed " + attempts + " times (last: " + lastError
                + "). The original table is unchanged and keeps serving. Find what holds the table"
                + " (long transactions: information_schema.innodb_trx, processlist) and run again,"
                + " or allow a longer --lock-wait-timeout");
    }

    /**
     * The statement that swaps the tables, exactly as osc sends it and the binary log records it
     * (a revert recognises an earlier swap in the binlog by it).
     */
    public static String renameStatement(String database, TableNames names) {
        String src = Sql.quote(database, names.source());
        return "RENAME TABLE " + src + " TO " + Sql.quote(database, names.old()) + ", "
                + Sql.quote(database, names.shadow()) + " TO " + src;
    }

    private static final class AttemptFailed extends Exception {
        AttemptFailed(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private long attempt() throws AttemptFailed, InterruptedException {
        String src = Sql.quote(database, names.source());
        String shadow = Sql.quote(database, names.shadow());
        String sentry = Sql.quote(database, names.old());
        long waitSeconds = Queries.lockWaitSeconds(lockWait);
        ExecutorService renamer = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "osc-cutover-rename");
            t.setDaemon(true);
            return t;
        });
        Future<Void> rename = null;
        boolean sentryDropped = false;
        try (Connection a = Connections.open(connection); Connection b = Connections.open(connection)) {
            try {
                Queries.setLockWaitTimeout(a, lockWait);
                Queries.exec(b, "SET SESSION lock_wait_timeout = " + (waitSeconds + 30));
                long bId = Queries.number(b, "SELECT CONNECTION_ID()");
                dropSentryIfLeft(sentry);
                Queries.exec(a, "CREATE TABLE " + sentry + " (sentry INT) ENGINE=InnoDB COMMENT='" + SENTRY_COMMENT + "'");
                long lockStart = System.nanoTime();
                try {
                    Queries.exec(a, "LOCK TABLES " + src + " WRITE, " + sentry + " WRITE, " + shadow + " WRITE");
                } catch (SQLException e) {
                    throw new AttemptFailed("could not lock " + names.source() + " within " + lockWait.toMillis()
                            + " ms (" + e.getMessage() + ")", e);
                }
                long locked = System.nanoTime();
                log.debug("cut-over lock taken after {} ms", (locked - lockStart) / 1_000_000);
                try {
                    drainer.drain(a);
                } catch (InterruptedException e) {
                    throw e;
                } catch (NotCaughtUp e) {
                    throw new AttemptFailed(e.getMessage(), e);
                } catch (Exception e) {
                    // a drain that fails would fail again; retrying could swap a shadow table that
                    // lacks the failed changes. Stop: closing the connections releases the locks.
                    throw e instanceof OscException oe ? oe
                            : OscException.failed("applying the last changes under the cut-over lock failed: "
                            + e.getMessage() + "; the original table is intact", e);
                }
                String renameStatement = renameStatement(database, names);
                rename = renamer.submit(() -> {
                    Queries.exec(b, renameStatement);
                    return null;
                });
                awaitRenameQueued(a, bId, rename);
                Queries.exec(a, "DROP TABLE " + sentry);
                sentryDropped = true;
                Queries.exec(a, "UNLOCK TABLES");
                rename.get(waitSeconds + 30L, TimeUnit.SECONDS);
                return (System.nanoTime() - locked) / 1_000_000;
            } catch (AttemptFailed | OscException e) {
                // An OscException from the drain (e.g. a value the new schema rejects) will not go
                // away by retrying: give up at once; closing the connections releases the locks.
                throw e;
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                if (sentryDropped && rename != null && renameSucceeded(rename)) {
                    return 0;
                }
                throw new AttemptFailed(describe(e), e);
            }
        } catch (SQLException e) {
            throw new AttemptFailed("connection problem: " + e.getMessage(), e);
        } finally {
            renamer.shutdownNow();
            dropSentryIfLeft(sentry);
        }
    }

    /** Waits until B's RENAME waits on A's locks, so that it will run before queued application DML. */
    private void awaitRenameQueued(Connection a, long bId, Future<Void> rename) throws Exception {
        long deadline = System.nanoTime() + Math.max(lockWait.toNanos(), Duration.ofSeconds(2).toNanos());
        while (System.nanoTime() < deadline) {
            if (rename.isDone()) {
                rename.get();
                throw new IllegalStateException("the rename finished while the tables were still locked");
            }
            try (Statement st = a.createStatement(); ResultSet rs = st.executeQuery("SHOW FULL PROCESSLIST")) {
                while (rs.next()) {
                    if (rs.getLong("Id") == bId) {
                        String state = rs.getString("State");
                        String info = rs.getString("Info");
                        if (state != null && state.toLowerCase().contains("metadata lock") && info != null
                                && info.toUpperCase().startsWith("RENAME")) {
                            return;
                        }
                    }
                }
            }
            Thread.sleep(5);
        }
        throw new IllegalStateException("the rename did not queue behind the lock in time");
    }

    private static boolean renameSucceeded(Future<Void> rename) {
        try {
            rename.get(60, TimeUnit.SECONDS);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    /** The shadow table is gone and the old name holds a real table: the rename happened. */
    private boolean swappedAlready() {
        try (Connection c = Connections.open(connection)) {
            boolean shadowThere = Queries.string(c, "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?"
                    + " AND TABLE_NAME = ?", database, names.shadow()).isPresent();
            Optional<String> oldComment = Queries.string(c, "SELECT TABLE_COMMENT FROM information_schema.TABLES"
                    + " WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?", database, names.old());
            return !shadowThere && oldComment.isPresent() && !SENTRY_COMMENT.equals(oldComment.get());
        } catch (RuntimeException | SQLException e) {
            throw OscException.failed("could not check whether the swap happened: " + e.getMessage(), e);
        }
    }

    /**
     * Drops a sentry left by a failed attempt, and nothing else: a table under the old name that is
     * not osc's sentry may be the original table itself, renamed by an attempt that did succeed.
     */
    private void dropSentryIfLeft(String sentry) {
        try (Connection c = Connections.open(connection)) {
            String comment = Queries.string(c, "SELECT TABLE_COMMENT FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?"
                    + " AND TABLE_NAME = ?", database, names.old()).orElse(null);
            if (SENTRY_COMMENT.equals(comment)) {
                Queries.exec(c, "DROP TABLE IF EXISTS " + sentry);
            }
        } catch (RuntimeException | SQLException e) {
            log.warn("could not check for a leftover cut-over sentry table {}: {}", names.old(), e.getMessage());
        }
    }

    private static String describe(Exception e) {
        Throwable t = e instanceof java.util.concurrent.ExecutionException && e.getCause() != null ? e.getCause() : e;
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }

    /** A binlog stream of the table's changes. */
    public interface Stream {
        /** Whether the stream reached the position within the wait. */
        boolean reachedWithin(dev.osc.engine.db.BinlogPosition position, java.time.Duration wait) throws InterruptedException;

        /** XA transactions that changed the table and are prepared but not committed: their changes are not known yet. */
        int preparedTransactions();
    }

    /**
     * With the table locked, waits (at most the lock wait) until the stream has reached the
     * binlog's present; a stream further behind gives the attempt up rather than hold writes. So
     * does a prepared XA transaction on the table: its rows would change only after the swap.
     */
    public static void requireStreamCaughtUp(Stream stream, java.sql.Connection lockHolder, java.time.Duration lockWait)
            throws Exception {
        dev.osc.engine.db.BinlogPosition now = dev.osc.engine.db.ServerInfo.binlogPosition(lockHolder);
        if (!stream.reachedWithin(now, lockWait)) {
            throw new NotCaughtUp("the binary log stream was more than " + lockWait.toMillis() + " ms behind under the lock");
        }
        int prepared = stream.preparedTransactions();
        if (prepared > 0) {
            throw new NotCaughtUp(prepared + " XA transaction(s) that changed the table are prepared and not yet committed"
                    + " or rolled back (XA RECOVER lists them)");
        }
    }
}
