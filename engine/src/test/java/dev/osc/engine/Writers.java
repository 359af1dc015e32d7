package dev.osc.engine;

import dev.osc.testing.TestServer;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Application-like writer threads: each transaction changes the migrated table and a control table
 * the same way, and some transactions are rolled back on purpose. A deadlock or lock wait rolls
 * back both tables together, as an application would see it; the control stays a faithful copy.
 */
public final class Writers implements AutoCloseable {

    /** The statements of one transaction, applied to {@code table}; called once for t and once for control. */
    public interface Workload {
        void transaction(Connection c, Random random, String[] tables) throws SQLException;
    }

    private final List<Thread> threads = new ArrayList<>();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicLong commits = new AtomicLong();
    private final AtomicLong rollbacks = new AtomicLong();
    private final AtomicLong conflicts = new AtomicLong();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    /** Starts {@code count} writers on {@code database}; each transaction is given both table names. */
    public static Writers start(TestServer server, String database, int count, long seed, String sqlMode,
                                Workload workload) {
        Writers w = new Writers();
        for (int i = 0; i < count; i++) {
            Random random = new Random(seed * 1000 + i);
            Thread t = new Thread(() -> w.loop(server, database, random, sqlMode, workload), "writer-" + i);
            t.setDaemon(true);
            w.threads.add(t);
            t.start();
        }
        return w;
    }

    private void loop(TestServer server, String database, Random random, String sqlMode, Workload workload) {
        try (Connection c = server.connect(database)) {
            if (sqlMode != null) {
                c.createStatement().execute("SET SESSION sql_mode = '" + sqlMode + "'");
            }
            c.setAutoCommit(false);
            while (!stop.get()) {
                try {
                    workload.transaction(c, random, new String[] {"t", "control"});
                    if (random.nextInt(10) == 0) {
                        c.rollback();
                        rollbacks.incrementAndGet();
                    } else {
                        c.commit();
                        commits.incrementAndGet();
                    }
                } catch (SQLException e) {
                    c.rollback();
                    // 1213 deadlock, 1205 lock wait, 1062 a random key collided: the application's
                    // transaction failed as a whole, on both tables.
                    if (e.getErrorCode() == 1213 || e.getErrorCode() == 1205 || e.getErrorCode() == 1062) {
                        conflicts.incrementAndGet();
                    } else {
                        throw e;
                    }
                }
            }
        } catch (Throwable t) {
            failure.compareAndSet(null, t);
        }
    }

    public long commits() {
        return commits.get();
    }

    public long rollbacks() {
        return rollbacks.get();
    }

    public long conflicts() {
        return conflicts.get();
    }

    /** Waits until at least {@code n} more transactions committed, so that writes overlap a phase. */
    public void awaitCommits(long n) throws InterruptedException {
        long target = commits.get() + n;
        long deadline = System.currentTimeMillis() + 30_000;
        while (commits.get() < target && failure.get() == null && System.currentTimeMillis() < deadline) {
            Thread.sleep(5);
        }
    }

    /** A listener that holds each phase's start until more writes committed, so writes land inside every phase. */
    public MigrationListener overlappingEveryPhase(int commitsPerPhase) {
        return new MigrationListener() {
            @Override
            public void phase(Phase phase, String detail) {
                if (phase == Phase.COPY || phase == Phase.CHECKSUM || phase == Phase.CUT_OVER) {
                    try {
                        awaitCommits(commitsPerPhase);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        };
    }

    /** Runs one parameterised statement. */
    public static int exec(Connection c, String sql, Object... params) throws SQLException {
        try (java.sql.PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            return ps.executeUpdate();
        }
    }

    /** Stops the writers and rethrows the first unexpected error any of them hit. */
    @Override
    public void close() throws Exception {
        stop.set(true);
        for (Thread t : threads) {
            t.join(30_000);
        }
        Throwable f = failure.get();
        if (f != null) {
            throw new AssertionError("a writer failed: " + f, f);
        }
    }
}
