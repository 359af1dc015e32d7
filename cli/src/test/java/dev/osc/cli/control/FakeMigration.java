package dev.osc.cli.control;

import dev.osc.engine.ConnectionConfig;
import dev.osc.engine.Phase;
import dev.osc.engine.Progress;
import dev.osc.engine.control.ControlChannel;
import dev.osc.engine.control.ControlRequest;
import dev.osc.engine.plan.Method;
import dev.osc.engine.state.ControlTable;
import dev.osc.engine.state.MigrationStart;
import dev.osc.engine.state.StateSchema;
import dev.osc.engine.state.StateStore;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * Stands in for a running {@code osc run}: registered in the state store, it keeps its row fresh
 * and answers every control request with what {@code answer} decides.
 */
final class FakeMigration implements AutoCloseable {
    /** The answer to one request. */
    record Answer(boolean accepted, String message) {
    }

    private final StateStore store;
    private final ControlTable control;
    private final long id;
    private final Thread thread;
    private final List<ControlRequest> received = new CopyOnWriteArrayList<>();
    private final List<Throwable> failures = new CopyOnWriteArrayList<>();
    private volatile boolean stopped;

    FakeMigration(ConnectionConfig config, StateSchema schema, String database, String table,
                  Function<ControlRequest, Answer> answer) throws Exception {
        store = new StateStore(config, schema);
        control = new ControlTable(config, schema);
        id = store.begin(new MigrationStart(database, table, "ADD COLUMN x INT", Method.COPY, Phase.COPY, null,
                table + "_osc_new", null, null));
        ControlChannel channel = control.channel(id);
        thread = new Thread(() -> {
            while (!stopped) {
                try {
                    store.update(id, Phase.COPY, new Progress(Phase.COPY, 10, 100, 5, 0, 0, 0, Duration.ZERO, "", 2));
                    for (ControlRequest r : channel.pending()) {
                        received.add(r);
                        Answer a = answer.apply(r);
                        channel.acknowledge(r.id(), a.accepted(), a.message());
                    }
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    failures.add(e);
                }
            }
        }, "fake-migration-" + id);
        thread.setDaemon(true);
        thread.start();
    }

    /** A migration that is registered and keeps its row fresh, but never reads its requests. */
    static long deaf(ConnectionConfig config, StateSchema schema, String database, String table) throws Exception {
        try (StateStore store = new StateStore(config, schema)) {
            return store.begin(new MigrationStart(database, table, "ADD COLUMN x INT", Method.COPY, Phase.COPY, null,
                    null, null, null));
        }
    }

    long id() {
        return id;
    }

    List<ControlRequest> received() {
        return List.copyOf(received);
    }

    @Override
    public void close() throws Exception {
        stopped = true;
        thread.interrupt();
        thread.join(5_000);
        store.close();
        control.close();
        if (!failures.isEmpty()) {
            throw new AssertionError("the fake migration failed", failures.get(0));
        }
    }
}
