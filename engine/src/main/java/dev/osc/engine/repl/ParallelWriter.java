package dev.osc.engine.repl;

import dev.osc.engine.key.RowKey;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Writes a batch of due keys in several transactions at once, each on its own connection, the
 * keys split by hash. Only for rows that are independent: a table whose only unique key is its
 * primary key, so no two keys of a batch can meet in a unique index. A part that fails fails the
 * whole batch; the caller applies it all again, which is harmless (applying a key re-reads the
 * row's current state).
 */
public final class ParallelWriter implements AutoCloseable {
    /** Below this many keys one transaction is quicker than splitting them. */
    static final int MIN_KEYS = 200;

    /** Where each part's connection comes from (a pool), given back by closing it. */
    public interface Connections {
        Connection get() throws SQLException;
    }

    private final ChangeApplier applier;
    private final Connections connections;
    private final int parts;
    private final ExecutorService threads;

    public ParallelWriter(ChangeApplier applier, Connections connections, int parts) {
        this.applier = applier;
        this.connections = connections;
        this.parts = parts;
        this.threads = Executors.newFixedThreadPool(Math.max(1, parts - 1), r -> {
            Thread t = new Thread(r, "osc-apply");
            t.setDaemon(true);
            return t;
        });
    }

    /** Writes the keys, in parts when there are enough of them; {@code c} writes one part itself. */
    public void write(Connection c, List<RowKey> due) throws SQLException, InterruptedException {
        if (parts < 2 || due.size() < MIN_KEYS) {
            applier.write(c, due);
            return;
        }
        List<List<RowKey>> split = new ArrayList<>();
        for (int i = 0; i < parts; i++) {
            split.add(new ArrayList<>());
        }
        for (RowKey k : due) {
            split.get(Math.floorMod(k.hashCode(), parts)).add(k);
        }
        List<Future<Void>> others = new ArrayList<>();
        for (List<RowKey> part : split.subList(1, parts)) {
            others.add(threads.submit(() -> {
                try (Connection own = connections.get()) {
                    applier.write(own, part);
                }
                return null;
            }));
        }
        SQLException failed = null;
        try {
            applier.write(c, split.get(0));
        } catch (SQLException e) {
            failed = e;
        }
        for (Future<Void> f : others) {
            try {
                f.get();
            } catch (ExecutionException e) {
                if (failed == null) {
                    failed = e.getCause() instanceof SQLException se ? se : new SQLException(e.getCause().getMessage(), e.getCause());
                }
            }
        }
        if (failed != null) {
            throw failed;
        }
    }

    @Override
    public void close() {
        threads.shutdownNow();
    }
}
