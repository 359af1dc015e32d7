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
     *
     * @param replaceOverUniqueKeys the copy writes with REPLACE into a table with unique keys besides
     *                              its primary key: a chunk reading a snapshot could then replace a
     *                              row the applier wrote after the snapshot was taken (a unique value
     *                              that moved to a row already copied), which nothing re-applies
     */
    public static Choice choose(java.sql.Connection c, dev.osc.engine.db.ServerInfo server, boolean lockingAsked,
                                boolean replaceOverUniqueKeys) throws java.sql.SQLException {
        java.util.Optional<String> why = whyLocking(lockingAsked, replaceOverUniqueKeys);
        if (why.isEmpty()) {
            why = dev.osc.engine.db.CommitHorizon.unsupportedReason(c, server);
        }
        return why.map(w -> new Choice(LOCKING, w)).orElse(new Choice(CONSISTENT, null));
    }

    /**
     * Why a run will read with locks whatever prepared XA transactions there are, or empty when
     * plain reads are possible (a run then checks {@link #choose} again once its stream's start is
     * fixed).
     */
    public static java.util.Optional<String> lockingWhatever(java.sql.Connection c, dev.osc.engine.db.ServerInfo server,
                                                             boolean lockingAsked, boolean replaceOverUniqueKeys)
            throws java.sql.SQLException {
        java.util.Optional<String> why = whyLocking(lockingAsked, replaceOverUniqueKeys);
        return why.isPresent() ? why : dev.osc.engine.db.CommitHorizon.serverReason(c, server);
    }

    private static java.util.Optional<String> whyLocking(boolean lockingAsked, boolean replaceOverUniqueKeys) {
        if (lockingAsked) {
            return java.util.Optional.of("asked for with --locking-reads");
        }
        if (replaceOverUniqueKeys) {
            return java.util.Optional.of("the table has unique keys besides its primary key, and a chunk that reads a"
                    + " snapshot could replace a row whose unique value the applier has written since");
        }
        return java.util.Optional.empty();
    }
}
