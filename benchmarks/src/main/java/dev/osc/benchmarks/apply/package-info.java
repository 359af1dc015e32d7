/**
 * The apply-rate measurement ({@code benchmarks.jar apply-rate}): whether osc's change apply keeps
 * up with a fixed-rate write load while it keeps a shadow table in sync.
 */
package dev.osc.benchmarks.apply;
