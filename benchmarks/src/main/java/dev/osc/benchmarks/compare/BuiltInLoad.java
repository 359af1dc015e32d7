package dev.osc.benchmarks.compare;

import dev.osc.cli.demo.DemoDatabase;
import dev.osc.cli.demo.LatencyStats;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * The write load when sysbench is not installed: sysbench oltp_write_only's transaction (update k
 * by id, update c by id, delete one id and insert it again, one commit) at a fixed rate from
 * {@link Load#THREADS} threads, with ids uniformly random. The demo's WriteLoad writes its own
 * tables, so only its latency statistics are reused here.
 *
 * <p>Every transaction has a due time on its thread's schedule and its latency runs from then, so
 * time spent queued behind a blocked transaction counts. Unlike the demo's load, a thread that
 * falls behind skips nothing: it runs the late transactions back to back, as an application's
 * queued requests would. Lock conflicts (1213, 1205) are retried like sysbench does, and counted.
 */
final class BuiltInLoad implements Load {
    private static final int MAX_ATTEMPTS = 10;

    private final DemoDatabase db;
    private final double ratePerSecond;
    private final long rows;
    private final LatencyStats stats = new LatencyStats();
    private final List<Thread> workers = new ArrayList<>();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicReference<String> firstError = new AtomicReference<>();
    private volatile boolean running;

    BuiltInLoad(DemoDatabase db, double ratePerSecond, long rows) {
        this.db = db;
        this.ratePerSecond = ratePerSecond;
        this.rows = rows;
    }

    @Override
    public String describe() {
        return String.format(java.util.Locale.ROOT, "built-in, sysbench oltp_write_only's transaction at %.0f tx/s from %d threads",
                ratePerSecond, THREADS);
    }

    @Override
    public synchronized void start() throws SQLException {
        running = true;
        long interval = (long) (THREADS * 1e9 / ratePerSecond);
        long start = System.nanoTime();
        for (int i = 0; i < THREADS; i++) {
            Connection c = db.open();
            long firstDue = start + i * interval / THREADS;
            Thread t = new Thread(() -> work(c, firstDue, interval), "compare-load-" + (i + 1));
            t.setDaemon(true);
            workers.add(t);
            t.start();
        }
    }

    @Override
    public synchronized void stop() throws InterruptedException {
        running = false;
        for (Thread t : workers) {
            t.join(60_000);
        }
        workers.clear();
    }

    @Override
    public LoadSummary summarise(long baselineFrom, long migrationStart, long migrationEnd) {
        double before = stats.seconds(baselineFrom, migrationStart).stream().filter(s -> s.count() > 0)
                .mapToDouble(LatencyStats.Second::p99).average().orElse(0);
        // a migration shorter than a second still gets the second it ran in
        long end = Math.max(migrationEnd, migrationStart + 1_000_000_000L);
        List<LatencyStats.Second> seconds = stats.seconds(migrationStart, end).stream().filter(s -> s.count() > 0).toList();
        OptionalDouble avg = seconds.stream().mapToDouble(LatencyStats.Second::p99).average();
        double worst = seconds.stream().mapToDouble(LatencyStats.Second::p99).max().orElse(0);
        return new LoadSummary(before, avg.orElse(0), worst, seconds.size(), errors.get(), firstError.get(), null);
    }

    private void work(Connection initial, long firstDue, long interval) {
        Connection c = initial;
        long due = firstDue;
        try {
            while (running) {
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                    continue;
                }
                c = runOne(c);
                stats.record(due, System.nanoTime() - due);
                due += interval;
            }
        } finally {
            close(c);
        }
    }

    private Connection runOne(Connection c) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long id = 1 + r.nextLong(rows);
        long otherId = 1 + r.nextLong(rows);
        long movedId = 1 + r.nextLong(rows);
        String c1 = digits(r, 10);
        String c2 = digits(r, 10);
        String pad = digits(r, 5);
        int k = 1 + r.nextInt((int) Math.min(Integer.MAX_VALUE - 1, rows));
        for (int attempt = 1; ; attempt++) {
            try {
                if (c == null || c.isClosed()) {
                    c = db.open();
                }
                c.setAutoCommit(false);
                String t = SbTables.qualified(SbTables.DB);
                update(c, "UPDATE " + t + " SET `k` = `k` + 1 WHERE `id` = ?", id);
                try (PreparedStatement ps = c.prepareStatement("UPDATE " + t + " SET `c` = ? WHERE `id` = ?")) {
                    ps.setString(1, c1);
                    ps.setLong(2, otherId);
                    ps.executeUpdate();
                }
                update(c, "DELETE FROM " + t + " WHERE `id` = ?", movedId);
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + t + " (`id`, `k`, `c`, `pad`) VALUES (?, ?, ?, ?)")) {
                    ps.setLong(1, movedId);
                    ps.setInt(2, k);
                    ps.setString(3, c2);
                    ps.setString(4, pad);
                    ps.executeUpdate();
                }
                c.commit();
                return c;
            } catch (SQLException e) {
                errors.incrementAndGet();
                firstError.compareAndSet(null, e.getMessage() + " (error " + e.getErrorCode() + ")");
                rollback(c);
                boolean lockConflict = e.getErrorCode() == 1213 || e.getErrorCode() == 1205;
                if (e.getSQLState() != null && e.getSQLState().startsWith("08")) {
                    close(c);
                    c = null;
                }
                if (!(lockConflict && attempt < MAX_ATTEMPTS && running)) {
                    return c;
                }
            }
        }
    }

    private static void update(Connection c, String sql, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, id);
            ps.executeUpdate();
        }
    }

    /** Groups of 11 random digits joined by dashes, as sysbench fills c (10 groups) and pad (5). */
    private static String digits(ThreadLocalRandom r, int groups) {
        StringBuilder sb = new StringBuilder(groups * 12);
        for (int g = 0; g < groups; g++) {
            if (g > 0) {
                sb.append('-');
            }
            for (int i = 0; i < 11; i++) {
                sb.append((char) ('0' + r.nextInt(10)));
            }
        }
        return sb.toString();
    }

    private static void rollback(Connection c) {
        try {
            if (c != null && !c.isClosed()) {
                c.rollback();
            }
        } catch (SQLException ignored) {
            // the connection is gone; the server rolls back by itself
        }
    }

    private static void close(Connection c) {
        try {
            if (c != null) {
                c.close();
            }
        } catch (SQLException ignored) {
            // nothing left to do
        }
    }
}
