package dev.osc.benchmarks.compare;

import dev.osc.cli.OscCommand;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs the osc command line in this JVM while sampling the heap in use every 50 ms, and writes
 * the peak (and the JVM's maximum heap) to a file when osc is done:
 * {@code java -cp benchmarks.jar dev.osc.benchmarks.compare.OscWithHeapPeak PEAK_FILE run ...}.
 * Sampling "used" counts garbage not yet collected too: it is the heap osc needed at the JVM's
 * default settings, which is what a user would give it.
 */
public final class OscWithHeapPeak {
    private static final long INTERVAL_MILLIS = 50;

    private OscWithHeapPeak() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: OscWithHeapPeak PEAK_FILE osc-arguments...");
            System.exit(2);
        }
        Path peakFile = Path.of(args[0]);
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        AtomicLong peak = new AtomicLong();
        Thread sampler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                try {
                    Thread.sleep(INTERVAL_MILLIS);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "heap-peak-sampler");
        sampler.setDaemon(true);
        sampler.start();
        int code = OscCommand.execute(Arrays.copyOfRange(args, 1, args.length));
        sampler.interrupt();
        peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
        Files.writeString(peakFile, "peakUsedBytes=" + peak.get() + "\nmaxBytes=" + memory.getHeapMemoryUsage().getMax() + "\n",
                StandardCharsets.UTF_8);
        System.exit(code);
    }
}
