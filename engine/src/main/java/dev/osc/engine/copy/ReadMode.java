package dev.osc.engine.copy;

/**
 * How the copy and the applier read the source table. Either way a change osc took from the binlog
 * is never read in its state from before that change: the binlog holds a transaction a moment
 * before InnoDB makes it visible, and each mode closes that gap its own way.
 */
public enum ReadMode {
    /**
     * Plain consistent reads ({@code READ COMMITTED}): no row locks on the table, so application
     * writes never wait for osc and never deadlock with it. The applier first waits until the
     * server's commit horizon ({@link dev.osc.engine.db.CommitHorizon}) has passed the changes it
     * applies, and a range cut after that reads them too. MariaDB only.
     */
    CONSISTENT(""),
    /**
     * Locking reads ({@code LOCK IN SHARE MODE}): a read waits for a transaction that is in the
     * binlog and not yet committed. Writers of the rows being read wait for the chunk, and can
     * deadlock with it (the server then rolls back the smaller transaction, often theirs).
     */
    LOCKING(" LOCK IN SHARE MODE");

    private final String clause;

    ReadMode(String clause) {
        this.clause = clause;
    }

    /** What follows a SELECT on the source. */
    public String clause() {
        return clause;
    }

    /** The reads a run will use, and why locking ones where it falls back to them (null otherwise). */
    public record Choice(ReadMode mode, String why) {
    }

    /**
     * Plain reads wherever the server tells when a change in the binlog has become visible to them
     * ({@link dev.osc.engine.db.CommitHorizon}); locking reads otherwise, or when asked for.
     */
    public static Choice choose(java.sql.Connection c, dev.osc.engine.db.ServerInfo server, boolean lockingAsked)
            throws java.sql.SQLException {
        if (lockingAsked) {
            return new Choice(LOCKING, "asked for with --locking-reads");
        }
        return dev.osc.engine.db.CommitHorizon.unsupportedReason(c, server).map(why -> new Choice(LOCKING, why))
                .orElse(new Choice(CONSISTENT, null));
    }
}
