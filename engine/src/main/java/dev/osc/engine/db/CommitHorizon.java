package dev.osc.engine.db;

import dev.osc.engine.OscException;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;

/**
 * Where in the binary log the transactions end that every read starting now sees.
 *
 * <p>A transaction is written to the binlog a moment before InnoDB makes it visible, so a change
 * osc has already taken from the stream may still be invisible to a plain (non-locking) read.
 * MariaDB's group commit makes the storage engines' commits in binlog order, under the lock that
 * also guards the end of the last group committed in the engines; outside a snapshot transaction,
 * the status variables {@code Binlog_snapshot_file} and {@code Binlog_snapshot_position} report
 * that end under the same lock. Every transaction up to there is visible to a read that starts
 * afterwards. MySQL has no such position, so osc reads it with locks there.
 *
 * <p>Three exceptions, which {@link #unsupportedReason}, {@link #await} and the stream handle:
 * with {@code binlog_optimize_thread_scheduling} off, each transaction of a group commits in its
 * own thread after the position moved; around a binlog rotation the position names the new file
 * before the old file's last groups are committed, with offsets that are not the new file's; and a
 * prepared XA transaction is in the binlog long before its commit, which the engine makes after the
 * binlog write of {@code XA COMMIT}.
 */
public final class CommitHorizon {
    private CommitHorizon() {
    }

    /**
     * Why osc cannot use plain reads on this server for a run whose stream starts now, or empty
     * when it can: {@link #serverReason}, or a prepared XA transaction (XA RECOVER), which changed
     * rows before the stream began that the stream will never show.
     */
    public static Optional<String> unsupportedReason(Connection c, ServerInfo server) throws SQLException {
        Optional<String> why = serverReason(c, server);
        if (why.isPresent()) {
            return why;
        }
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("XA RECOVER")) {
            if (rs.next()) {
                return Optional.of("XA transactions are prepared and not yet committed (XA RECOVER): changes they made"
                        + " before osc started would not be in the binary log osc follows");
            }
        } catch (SQLException e) {
            return Optional.of("could not list prepared XA transactions (XA RECOVER: " + e.getMessage() + ")");
        }
        return Optional.empty();
    }

    /** Why this server, as it is set up, reports no horizon osc can rely on; empty when it does. */
    public static Optional<String> serverReason(Connection c, ServerInfo server) throws SQLException {
        if (!server.mariaDb()) {
            return Optional.of(server.flavor() + " reports no binlog position that its snapshots are consistent with");
        }
        if (read(c).isEmpty()) {
            return Optional.of("the server does not report Binlog_snapshot_position");
        }
        if (ServerInfo.variable(c, "binlog_optimize_thread_scheduling").filter(v -> v.equalsIgnoreCase("OFF")).isPresent()) {
            return Optional.of("binlog_optimize_thread_scheduling is OFF, so a transaction can be invisible after the"
                    + " binlog position that reports it committed");
        }
        if (ServerInfo.variable(c, "wsrep_on").filter(v -> v.equalsIgnoreCase("ON")).isPresent()) {
            return Optional.of("Galera (wsrep_on) commits outside the binlog group commit");
        }
        return Optional.empty();
    }

    /** Every transaction up to the returned position is visible to a read that starts now; empty if unknown. */
    public static Optional<BinlogPosition> read(Connection c) throws SQLException {
        String file = null;
        Long position = null;
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SHOW STATUS LIKE 'Binlog_snapshot_%'")) {
            while (rs.next()) {
                String name = rs.getString(1);
                if (name.equalsIgnoreCase("Binlog_snapshot_file")) {
                    file = rs.getString(2);
                } else if (name.equalsIgnoreCase("Binlog_snapshot_position")) {
                    position = Long.parseLong(rs.getString(2));
                }
            }
        }
        return file == null || file.isEmpty() || position == null ? Optional.empty()
                : Optional.of(new BinlogPosition(file, position));
    }

    /** The binlog stream, which can tell a real transaction end from a misreported position. */
    public interface Witness {
        /** Where the stream has read up to. */
        BinlogPosition position();

        /** Whether a transaction the stream read ends at {@code p}, in that file and in no other. */
        boolean isCommitEnd(BinlogPosition p);
    }

    /**
     * Waits until every transaction up to {@code target} is visible to reads that start afterwards,
     * as far as the horizon can tell: true when it reached {@code target} in the same binlog file at
     * a position where a transaction the stream read ends. False when it cannot tell, and the caller
     * must make sure another way: the horizon moved to a later file first, or reports a position
     * that ends no transaction in its file. Both happen around a rotation: MariaDB sets the position
     * to the new file's start when it opens the file, before the old file's last groups are
     * committed in the engine (a group waiting for a semi-sync acknowledgement can be rotated past),
     * and each of those groups then sets the offset it had in the old file, with the new file's
     * name, until a group of the new file commits. The wait is the moment between a binlog write
     * and the engine commit, so it polls briefly.
     */
    public static boolean await(Connection c, BinlogPosition target, Witness stream, Duration timeout)
            throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<BinlogPosition> now = read(c);
            if (now.isPresent() && now.get().file().equals(target.file())) {
                if (now.get().position() >= target.position()) {
                    if (stream.isCommitEnd(now.get())) {
                        return true;
                    }
                    if (stream.position().isAtOrAfter(now.get())) {
                        return false;
                    }
                    // a commit the stream has not read yet: it can tell once it has
                }
            } else if (now.isPresent() && now.get().compareTo(target) > 0) {
                return false;
            }
            if (System.nanoTime() > deadline) {
                throw OscException.failed("the server's committed binlog position (Binlog_snapshot_position "
                        + now.map(BinlogPosition::toString).orElse("unknown") + ") did not reach " + target + " within "
                        + timeout.toMillis() + " ms", null);
            }
            Thread.sleep(1);
        }
    }
}
