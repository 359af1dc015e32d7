package dev.osc.cli.demo;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Transaction latencies of the demo's write load, kept with the moment each transaction was due,
 * so that any time window (before the migration, during it) and every second within it can be
 * summarised afterwards. Thread-safe; a few hundred samples a second need nothing cleverer.
 */
public final class LatencyStats {
    private final Object lock = new Object();
    private long[] at = new long[4096];
    private long[] nanos = new long[4096];
    private int size;

    /** Percentiles of one window, in milliseconds. */
    public record Window(int count, double p50, double p99, double max) {
        static final Window EMPTY = new Window(0, 0, 0, 0);
    }

    /** The p99 of one second, and when that second started (System.nanoTime()). */
    public record Second(long startNanos, int count, double p99) {
    }

    /**
     * @param dueNanos     System.nanoTime() at which the transaction was due to start
     * @param latencyNanos from then until its commit or rollback returned
     */
    public void record(long dueNanos, long latencyNanos) {
        synchronized (lock) {
            if (size == at.length) {
                at = Arrays.copyOf(at, size * 2);
                nanos = Arrays.copyOf(nanos, size * 2);
            }
            at[size] = dueNanos;
            nanos[size] = latencyNanos;
            size++;
        }
    }

    /** Transactions due in [from, to). */
    public Window window(long fromNanos, long toNanos) {
        return summarise(select(fromNanos, toNanos));
    }

    /** One entry per whole second from {@code fromNanos} until {@code toNanos}, empty seconds included. */
    public List<Second> seconds(long fromNanos, long toNanos) {
        List<Second> out = new ArrayList<>();
        for (long s = fromNanos; s < toNanos; s += 1_000_000_000L) {
            Window w = window(s, Math.min(toNanos, s + 1_000_000_000L));
            out.add(new Second(s, w.count(), w.p99()));
        }
        return out;
    }

    /** The second with the highest p99 in [from, to), or empty when no transaction was due then. */
    public java.util.Optional<Second> worstSecond(long fromNanos, long toNanos) {
        return seconds(fromNanos, toNanos).stream().filter(s -> s.count() > 0)
                .max(java.util.Comparator.comparingDouble(Second::p99));
    }

    private long[] select(long fromNanos, long toNanos) {
        synchronized (lock) {
            long[] picked = new long[size];
            int n = 0;
            for (int i = 0; i < size; i++) {
                if (at[i] - fromNanos >= 0 && at[i] - toNanos < 0) {
                    picked[n++] = nanos[i];
                }
            }
            return Arrays.copyOf(picked, n);
        }
    }

    private static Window summarise(long[] values) {
        if (values.length == 0) {
            return Window.EMPTY;
        }
        Arrays.sort(values);
        return new Window(values.length, millis(percentile(values, 50)), millis(percentile(values, 99)),
                millis(values[values.length - 1]));
    }

    /** Nearest-rank percentile of sorted values. */
    static long percentile(long[] sorted, double p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    private static double millis(long nanos) {
        return nanos / 1_000_000.0;
    }
}
