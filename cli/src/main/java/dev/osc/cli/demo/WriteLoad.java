package dev.osc.cli.demo;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * An application writing to {@code orders} at a fixed rate from several threads. Every
 * transaction makes one random change to {@code orders} and the same change to
 * {@code orders_control}: insert (40 %), update of amount and status (40 %), update of the
 * primary key to a new, unused id (5 %), delete (15 %); 5 % of transactions are rolled back on
 * purpose.
 *
 * <p>Each thread has a schedule; a transaction's latency runs from the moment it was due, not
 * from when it started, so time spent queued behind a slow transaction counts (no coordinated
 * omission). A thread more than a second behind skips the missed slots and counts them.
 * Deadlocks and lock-wait timeouts (1213, 1205) are retried with the same change and counted
 * apart from other errors.
 */
public final class WriteLoad {
    private static final String[] STATUSES = {"new", "paid", "shipped", "delivered", "cancelled"};
    private static final long MAX_BEHIND_NANOS = 1_000_000_000L;
    private static final int MAX_ATTEMPTS = 10;
    private static final int ERRORS_KEPT = 5;
    /**
     * Primary-key updates move rows to ids counting down from here: far above every id the
     * auto-increment hands out to the inserts, and never below a value it could reach, even if
     * the server moves the counter up past a moved row.
     */
    private static final long MOVED_ID_TOP = 1_000_000_000_000L;

    private final DemoDatabase database;
    private final int threads;
    private final double ratePerSecond;
    private final LatencyStats stats;
    private final AtomicLong highestId;
    private final AtomicLong nextMovedId = new AtomicLong(MOVED_ID_TOP - 1);
    private final List<Thread> workers = new ArrayList<>();
    private volatile boolean running;

    private final AtomicLong committed = new AtomicLong();
    private final AtomicLong rolledBack = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private final List<String> firstErrors = Collections.synchronizedList(new ArrayList<>());

    /** What the load did. */
    public record Counts(long committed, long rolledBack, long retries, long errors, long skipped, List<String> firstErrors) {
        public long transactions() {
            return committed + rolledBack;
        }
    }

    /**
     * @param highestId the highest id in the table when the load starts; updates and deletes pick
     *                  ids up to the highest one inserted so far
     */
    public WriteLoad(DemoDatabase database, int threads, double ratePerSecond, long highestId, LatencyStats stats) {
        if (threads < 1 || ratePerSecond <= 0) {
            throw new IllegalArgumentException("threads and rate must be positive");
        }
        this.database = database;
        this.threads = threads;
        this.ratePerSecond = ratePerSecond;
        this.highestId = new AtomicLong(highestId);
        this.stats = stats;
    }

    /** Opens one connection per thread and starts writing. */
    public synchronized void start() throws SQLException {
        running = true;
        long intervalNanos = (long) (threads * 1e9 / ratePerSecond);
        long start = System.nanoTime();
        for (int i = 0; i < threads; i++) {
            Connection c = database.open();
            long firstDue = start + i * intervalNanos / threads;
            Thread t = new Thread(() -> work(c, firstDue, intervalNanos), "demo-writer-" + (i + 1));
            t.setDaemon(true);
            workers.add(t);
            t.start();
        }
    }

    /** Stops the threads after their current transaction and waits for them. */
    public synchronized void stop() throws InterruptedException {
        running = false;
        for (Thread t : workers) {
            t.join(60_000);
        }
        workers.clear();
    }

    public Counts counts() {
        synchronized (firstErrors) {
            return new Counts(committed.get(), rolledBack.get(), retries.get(), errors.get(), skipped.get(),
                    List.copyOf(firstErrors));
        }
    }

    private void work(Connection initial, long firstDue, long intervalNanos) {
        Connection c = initial;
        long due = firstDue;
        try {
            while (running) {
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                    continue;
                }
                if (-wait > MAX_BEHIND_NANOS) {
                    long missed = -wait / intervalNanos;
                    skipped.addAndGet(missed);
                    due += missed * intervalNanos;
                }
                c = runOne(c, Change.random(this));
                stats.record(due, System.nanoTime() - due);
                due += intervalNanos;
            }
        } finally {
            closeQuietly(c);
        }
    }

    /** Runs one change to both tables, retrying lock conflicts; returns the connection to go on with. */
    private Connection runOne(Connection c, Change change) {
        for (int attempt = 1; ; attempt++) {
            try {
                if (c == null || c.isClosed()) {
                    c = database.open();
                }
                c.setAutoCommit(false);
                change.apply(c, SampleTable.TABLE);
                change.apply(c, SampleTable.CONTROL);
                if (change.rollback) {
                    c.rollback();
                    rolledBack.incrementAndGet();
                } else {
                    c.commit();
                    committed.incrementAndGet();
                    change.committed(this);
                }
                return c;
            } catch (SQLException e) {
                rollbackQuietly(c);
                boolean lockConflict = e.getErrorCode() == 1213 || e.getErrorCode() == 1205;
                if (lockConflict && attempt < MAX_ATTEMPTS && running) {
                    retries.incrementAndGet();
                    continue;
                }
                errors.incrementAndGet();
                synchronized (firstErrors) {
                    if (firstErrors.size() < ERRORS_KEPT) {
                        firstErrors.add(change.kind + ": " + e.getMessage() + " (error " + e.getErrorCode() + ", SQLState "
                                + e.getSQLState() + ")");
                    }
                }
                if (e.getSQLState() != null && e.getSQLState().startsWith("08")) {
                    closeQuietly(c);
                    return null;
                }
                return c;
            }
        }
    }

    /** One transaction's change, fixed before the first attempt so that a retry repeats it exactly. */
    private static final class Change {
        enum Kind { INSERT, UPDATE, MOVE, DELETE }

        final Kind kind;
        final boolean rollback;
        final long id;
        final long newId;
        final int customerId;
        final String status;
        final BigDecimal amount;
        final String note;
        final LocalDateTime createdAt;
        /** The id the insert into {@code orders} got, used for the control table. */
        long insertedId;

        private Change(Kind kind, boolean rollback, long id, long newId, int customerId, String status, BigDecimal amount,
                       String note, LocalDateTime createdAt) {
            this.kind = kind;
            this.rollback = rollback;
            this.id = id;
            this.newId = newId;
            this.customerId = customerId;
            this.status = status;
            this.amount = amount;
            this.note = note;
            this.createdAt = createdAt;
        }

        static Change random(WriteLoad load) {
            ThreadLocalRandom r = ThreadLocalRandom.current();
            int dice = r.nextInt(100);
            Kind kind = dice < 40 ? Kind.INSERT : dice < 80 ? Kind.UPDATE : dice < 85 ? Kind.MOVE : Kind.DELETE;
            long id = 1 + r.nextLong(load.highestId.get());
            long newId = kind == Kind.MOVE ? load.nextMovedId.getAndDecrement() : 0;
            String status = STATUSES[r.nextInt(STATUSES.length)];
            BigDecimal amount = BigDecimal.valueOf(r.nextLong(100_000), 2);
            String note = r.nextInt(10) == 0 ? null : "written by the demo load, " + Thread.currentThread().getName();
            LocalDateTime createdAt = LocalDateTime.now().truncatedTo(ChronoUnit.MICROS);
            return new Change(kind, r.nextInt(100) < 5, id, newId, 1 + r.nextInt(50_000), status, amount, note, createdAt);
        }

        void apply(Connection c, String table) throws SQLException {
            String t = SampleTable.qualified(table);
            switch (kind) {
                case INSERT -> {
                    boolean control = table.equals(SampleTable.CONTROL);
                    String sql = "INSERT INTO " + t + " (" + (control ? "id, " : "")
                            + "customer_id, status, amount, note, created_at) VALUES (" + (control ? "?, " : "") + "?, ?, ?, ?, ?)";
                    try (PreparedStatement ps = c.prepareStatement(sql, Statement.RETURN_GENERATED_KEYS)) {
                        int i = 1;
                        if (control) {
                            ps.setLong(i++, insertedId);
                        }
                        ps.setInt(i++, customerId);
                        ps.setString(i++, status);
                        ps.setBigDecimal(i++, amount);
                        ps.setString(i++, note);
                        ps.setObject(i, createdAt);
                        ps.executeUpdate();
                        if (!control) {
                            try (ResultSet keys = ps.getGeneratedKeys()) {
                                keys.next();
                                insertedId = keys.getLong(1);
                            }
                        }
                    }
                }
                case UPDATE -> {
                    try (PreparedStatement ps = c.prepareStatement("UPDATE " + t + " SET amount = ?, status = ? WHERE id = ?")) {
                        ps.setBigDecimal(1, amount);
                        ps.setString(2, status);
                        ps.setLong(3, id);
                        ps.executeUpdate();
                    }
                }
                case MOVE -> {
                    try (PreparedStatement ps = c.prepareStatement("UPDATE " + t + " SET id = ? WHERE id = ?")) {
                        ps.setLong(1, newId);
                        ps.setLong(2, id);
                        ps.executeUpdate();
                    }
                }
                case DELETE -> {
                    try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + t + " WHERE id = ?")) {
                        ps.setLong(1, id);
                        ps.executeUpdate();
                    }
                }
            }
        }

        void committed(WriteLoad load) {
            if (kind == Kind.INSERT && insertedId < MOVED_ID_TOP) {
                load.highestId.accumulateAndGet(insertedId, Math::max);
            }
        }
    }

    private static void rollbackQuietly(Connection c) {
        try {
            if (c != null && !c.isClosed()) {
                c.rollback();
            }
        } catch (SQLException ignored) {
            // the connection is gone; the server rolls back by itself
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            if (c != null) {
                c.close();
            }
        } catch (SQLException ignored) {
            // nothing left to do
        }
    }
}
