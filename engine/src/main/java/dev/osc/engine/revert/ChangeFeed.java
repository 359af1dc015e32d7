package dev.osc.engine.revert;

import dev.osc.engine.ConnectionConfig;
import dev.osc.engine.OscException;
import dev.osc.engine.db.BinlogPosition;
import dev.osc.engine.db.ServerInfo;
import dev.osc.engine.key.RowKey;
import dev.osc.engine.repl.BinlogStreamer;
import dev.osc.engine.repl.ChangeSet;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;

/**
 * The keys of the table's rows changed since the cut-over, read from the binlog from the cut-over
 * position on and for as long as the revert runs. Only keys: rows are re-read from the table.
 */
final class ChangeFeed implements AutoCloseable, dev.osc.engine.cutover.CutOver.Stream {
    /** A stream that does not move for this long while behind is taken for stuck. */
    private static final Duration STALLED = Duration.ofSeconds(60);

    private final ChangeSet changes = new ChangeSet();
    private final BinlogStreamer streamer;
    private final RevertTarget target;

    ChangeFeed(ConnectionConfig connection, RevertTarget target, int reconnectAttempts) {
        this.target = target;
        this.streamer = new BinlogStreamer(connection, target.current(), target.key(), changes, reconnectAttempts);
        streamer.startsBeforeSwap(target.swap());
    }

    void start() {
        streamer.start(target.from());
    }

    /**
     * Waits until the stream has read the binlog up to where it ends now, however long the stretch
     * since the cut-over, as long as it keeps moving. Returns that position.
     */
    BinlogPosition catchUp(Connection c) throws SQLException, InterruptedException {
        BinlogPosition now = ServerInfo.binlogPosition(c);
        BinlogPosition last = streamer.position();
        long stalledSince = System.nanoTime();
        while (!streamer.reachedWithin(now, Duration.ofSeconds(1))) {
            BinlogPosition at = streamer.position();
            if (!at.equals(last)) {
                last = at;
                stalledSince = System.nanoTime();
            } else if (System.nanoTime() - stalledSince > STALLED.toNanos()) {
                throw OscException.failed("the binary log stream stopped at " + at + " on its way to " + now
                        + " and did not move for " + STALLED.toSeconds() + " s", null);
            }
        }
        return now;
    }

    /**
     * The stream must have passed the migration's own swap: only then does the recorded position lie
     * before every write to the new table. A position after it would miss writes.
     */
    void requireSwapSeen() {
        if (!streamer.swapSeen()) {
            throw Preconditions.refused("the binary log from the recorded cut-over position " + target.from()
                    + " does not hold the swap of migration " + target.record().id() + " (" + target.swap() + "), so that"
                    + " position is not where writes to " + target.current().name() + " began and osc cannot be sure to"
                    + " see every change since. Nothing was changed");
        }
    }

    /** Waits, at most {@code wait}, until every change before {@code position} is in the feed. */
    @Override
    public boolean reachedWithin(BinlogPosition position, Duration wait) throws InterruptedException {
        return streamer.reachedWithin(position, wait);
    }

    @Override
    public int preparedTransactions() {
        return streamer.preparedTransactions();
    }

    void awaitPosition(BinlogPosition position, Duration wait) throws InterruptedException {
        streamer.awaitPosition(position, wait);
    }

    int pending() {
        return changes.size();
    }

    List<RowKey> take(int max) {
        return changes.drain(max);
    }

    void putBack(Collection<RowKey> keys) {
        changes.addAll(keys);
    }

    void checkHealthy() {
        streamer.checkHealthy();
    }

    /** From the revert's own swap on, its RENAME of the table appears in the stream: not a foreign change. */
    void expectOwnSwap(String renameStatement) {
        streamer.expectOwnSwap(renameStatement);
    }

    @Override
    public void close() {
        streamer.close();
    }
}
