package dev.osc.benchmarks.compare;

/**
 * What the load saw around one migration. Latencies are per-second p99s in milliseconds.
 *
 * @param p99Before      the average of the per-second p99s before the migration
 * @param p99Average     the average of the per-second p99s during the migration
 * @param p99Worst       the highest per-second p99 during the migration
 * @param seconds        seconds of the migration that had a p99
 * @param errors         failed transactions over the whole load run (retried lock conflicts included)
 * @param errorNote      the first error, or null
 * @param queueNote      for a load that measures latency from the start of execution (sysbench):
 *                       how far transactions queued before they started; null otherwise
 */
record LoadSummary(double p99Before, double p99Average, double p99Worst, int seconds, long errors, String errorNote,
                   String queueNote) {
}
