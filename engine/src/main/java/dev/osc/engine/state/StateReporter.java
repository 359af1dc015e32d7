package dev.osc.engine.state;

import dev.osc.engine.MigrationListener;
import dev.osc.engine.Phase;
import dev.osc.engine.Progress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Keeps a running migration's row in the state table current: the last phase and progress it
 * heard, written on its own thread every {@code interval}, so the row stays fresh (and the run
 * counts as alive) even while the migration waits on a lock. A write that fails is logged and
 * tried again at the next tick: bookkeeping must not stop the migration.
 */
public final class StateReporter implements MigrationListener, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StateReporter.class);
    private final StateStore store;
    private final long id;
    private final ScheduledExecutorService writer;
    private volatile Phase phase;
    private volatile Progress progress;
    private volatile boolean failing;

    public StateReporter(StateStore store, long id, Phase phase, Duration interval) {
        this.store = store;
        this.id = id;
        this.phase = phase;
        this.writer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "osc-state");
            t.setDaemon(true);
            return t;
        });
        writer.scheduleWithFixedDelay(this::write, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    public long id() {
        return id;
    }

    @Override
    public void phase(Phase p, String detail) {
        phase = p;
        writer.execute(this::write);
    }

    @Override
    public void progress(Progress p) {
        progress = p;
    }

    private synchronized void write() {
        try {
            store.update(id, phase, current());
            if (failing) {
                log.info("the state record of migration {} is written again", id);
            }
            failing = false;
        } catch (StateStoreException | RuntimeException e) {
            if (!failing) {
                log.warn("could not update the state record of migration {}: {}", id, e.getMessage());
            }
            failing = true;
        }
    }

    /** Stops the periodic writes and records the outcome. */
    public void finish(Outcome outcome, String error) {
        writer.shutdownNow();
        try {
            writer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            try {
                store.update(id, phase, current());
                store.finish(id, outcome, error);
            } catch (StateStoreException | RuntimeException e) {
                log.warn("could not record the outcome of migration {} ({}): {}", id, outcome.label(), e.getMessage());
            }
        }
    }

    private Progress current() {
        Progress p = progress;
        return p != null ? p : new Progress(phase, 0, 0, 0, 0, 0, 0, Duration.ZERO, "", 0);
    }

    @Override
    public void close() {
        writer.shutdownNow();
    }
}
