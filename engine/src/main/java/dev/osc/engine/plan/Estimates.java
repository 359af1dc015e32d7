package dev.osc.engine.plan;

/**
 * What a copy will cost, from the server's statistics and a measured sample of the copy rate.
 *
 * @param rows             the server's row estimate
 * @param extraDiskBytes   shadow table (data + indexes, as large as the source's) plus the binlog
 *                         written by the copy (about the data size again)
 * @param sampleRows       rows copied into an empty temporary copy to measure the rate
 * @param rowsPerSecond    the measured rate, or 0 when no sample could be taken
 * @param copySeconds      expected copy time, or -1 when unknown
 */
public record Estimates(long rows, long dataBytes, long indexBytes, long extraDiskBytes, long sampleRows,
                        long sampleMillis, double rowsPerSecond, double copySeconds) {
}
