package dev.osc.cli.state;

import dev.osc.engine.ConnectionConfig;
import dev.osc.engine.Phase;
import dev.osc.engine.Progress;
import dev.osc.engine.plan.Method;
import dev.osc.engine.state.MigrationStart;
import dev.osc.engine.state.Outcome;
import dev.osc.engine.state.StateSchema;
import dev.osc.engine.state.StateStore;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A migration's row kept fresh the way a running osc keeps it, so that it counts as live until
 * {@link #finish} or {@link #close}.
 */
final class LiveRow implements AutoCloseable {
    private final StateStore store;
    private final long id;
    private final Thread heartbeat;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean stopped;

    LiveRow(ConnectionConfig config, StateSchema schema, String database, String table, Progress progress) throws Exception {
        store = new StateStore(config, schema);
        id = store.begin(new MigrationStart(database, table, "ADD COLUMN note INT", Method.COPY, Phase.SETUP, null,
                table + "_osc_new", table + "_osc_old_20240101_000000", null));
        store.update(id, progress.phase(), progress);
        heartbeat = new Thread(() -> {
            while (!stopped) {
                try {
                    store.update(id, progress.phase(), progress);
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    failure.compareAndSet(null, e);
                }
            }
        }, "live-row-" + id);
        heartbeat.setDaemon(true);
        heartbeat.start();
    }

    static Progress copying(long copied, long total, double rate, String throttle) {
        return new Progress(Phase.COPY, copied, total, rate, 7, 0, 0.5, Duration.ofSeconds(10), throttle, 2);
    }

    long id() {
        return id;
    }

    /** Stops the heartbeat and records the outcome, as a run that ends does. */
    void finish(Outcome outcome, String error) throws Exception {
        stop();
        store.finish(id, outcome, error);
    }

    private void stop() throws InterruptedException {
        stopped = true;
        heartbeat.interrupt();
        heartbeat.join(5_000);
    }

    @Override
    public void close() throws Exception {
        stop();
        store.close();
        if (failure.get() != null) {
            throw new AssertionError("the heartbeat failed", failure.get());
        }
    }
}
