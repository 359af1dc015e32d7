package dev.osc.engine;

/** The phases of one online migration, in order. Logs, progress and metrics name them. */
public enum Phase {
    /** Checking the server, privileges, table and ALTER; changes nothing. */
    PREFLIGHT,
    /** Creating the shadow table and starting to follow the binlog. */
    SETUP,
    /** Copying rows in primary-key chunks while applying binlog changes. */
    COPY,
    /** Copy finished; applying the remaining binlog changes. */
    CATCH_UP,
    /** Comparing chunked checksums of both tables and repairing differences. */
    CHECKSUM,
    /** Copied and checked; keeping the shadow in sync until an operator runs {@code osc cutover}. */
    WAITING_FOR_CUTOVER,
    /** Locking, draining the last changes and swapping the tables. */
    CUT_OVER,
    /** The new table serves; the old one is kept. */
    DONE,
    /** The migration stopped; the original table is intact and the shadow table dropped. */
    FAILED;

    /** A lower-case name for output, such as {@code cut-over}. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
