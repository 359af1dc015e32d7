/**
 * The end-to-end comparison ({@code benchmarks.jar compare}): osc, pt-online-schema-change and the
 * blocking ALTER on identical copies of a sysbench table, idle and under a write load.
 */
package dev.osc.benchmarks.compare;
