package dev.osc.benchmarks.compare;

/**
 * A fixed-rate write load on the contenders' table, started before a migration and stopped a few
 * seconds after it. Times are System.nanoTime().
 */
interface Load {
    /** Threads of both loads, as issue "Speed" asks. */
    int THREADS = 4;

    /** What writes, for the report, e.g. "sysbench oltp_write_only --rate=500 --threads=4 --db-ps-mode=disable". */
    String describe();

    void start() throws Exception;

    /** Stops the load and waits until it no longer writes. */
    void stop() throws Exception;

    /**
     * @param baselineFrom   start of the window before the migration (after the load's warm-up)
     * @param migrationStart start of the migration
     * @param migrationEnd   end of the migration
     */
    LoadSummary summarise(long baselineFrom, long migrationStart, long migrationEnd);
}
