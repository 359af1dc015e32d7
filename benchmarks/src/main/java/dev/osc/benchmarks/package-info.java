/** JMH micro-benchmarks of osc's hot paths and the end-to-end comparison with peers (issue 6). */
package dev.osc.benchmarks;
