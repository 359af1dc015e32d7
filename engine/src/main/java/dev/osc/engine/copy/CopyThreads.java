package dev.osc.engine.copy;

import dev.osc.engine.db.ServerInfo;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * How many copy workers a run starts with when the user leaves {@code --threads} to osc, and why.
 * At most half of the server's CPUs, so the application keeps the other half; one when the
 * workers could only copy one after another anyway.
 */
public record CopyThreads(int count, String why) {
    /** More workers than this add contention on the shadow table's last pages, not speed. */
    static final int MAX = 8;

    public static CopyThreads choose(Connection c, ServerInfo server, boolean shadowHasAutoIncrement) throws SQLException {
        if (shadowHasAutoIncrement) {
            String mode = ServerInfo.variable(c, "innodb_autoinc_lock_mode").orElse("?");
            if (!mode.equals("2")) {
                return new CopyThreads(1, "innodb_autoinc_lock_mode=" + mode + " makes every INSERT ... SELECT into a"
                        + " table with an AUTO_INCREMENT column hold a table lock, so more workers would copy one after"
                        + " another; innodb_autoinc_lock_mode=2, safe with a row-based binlog, lets them copy side by side");
            }
        }
        return halfTheServer(c, server);
    }

    /** Half the server's CPUs, at most {@link #MAX}: what osc may keep busy, copying or applying. */
    public static CopyThreads halfTheServer(Connection c, ServerInfo server) throws SQLException {
        if (server.mariaDb()) {
            int cpus = number(c, "thread_pool_size", 2);
            return new CopyThreads(within(cpus / 2), "half of the server's " + cpus + " CPUs (thread_pool_size)");
        }
        // MySQL does not report its CPU count; this is what the server itself uses to read in parallel
        int parallel = number(c, "innodb_parallel_read_threads", 4);
        return new CopyThreads(within(parallel), "the server's innodb_parallel_read_threads (" + parallel + ")");
    }

    private static int number(Connection c, String variable, int otherwise) throws SQLException {
        try {
            return ServerInfo.variable(c, variable).map(Integer::parseInt).orElse(otherwise);
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }

    private static int within(int n) {
        return Math.max(1, Math.min(MAX, n));
    }
}
