package dev.osc.engine;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

/** Records what a migration reports, for tests that watch a run from outside. */
public final class Recorder implements MigrationListener {
    public final List<Phase> phases = new CopyOnWriteArrayList<>();
    public final List<String> throttles = new CopyOnWriteArrayList<>();
    public final List<Progress> progress = new CopyOnWriteArrayList<>();
    public final List<Integer> chunks = new CopyOnWriteArrayList<>();
    public final List<String> notices = new CopyOnWriteArrayList<>();
    public volatile long rowsCopied;
    /** Batches of changed keys the applier took (applied, dropped or handed back to wait). */
    public final java.util.concurrent.atomic.AtomicInteger applyBatches = new java.util.concurrent.atomic.AtomicInteger();

    @Override
    public void phase(Phase phase, String detail) {
        phases.add(phase);
    }

    @Override
    public void progress(Progress p) {
        progress.add(p);
    }

    @Override
    public void throttled(String reason) {
        throttles.add(reason);
    }

    @Override
    public void chunkCopied(int rows, Duration took) {
        chunks.add(rows);
        synchronized (this) {
            rowsCopied += rows;
        }
    }

    @Override
    public void changesApplied(int rows, double lagSeconds) {
        applyBatches.incrementAndGet();
    }

    @Override
    public void notice(String message) {
        notices.add(message);
    }

    public Phase phase() {
        return phases.isEmpty() ? null : phases.get(phases.size() - 1);
    }

    public String lastThrottle() {
        return throttles.isEmpty() ? "" : throttles.get(throttles.size() - 1);
    }

    /** Waits up to {@code seconds} for the condition; fails the test with {@code what} otherwise. */
    public static void await(String what, int seconds, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("waited " + seconds + " s for: " + what);
            }
            Thread.sleep(20);
        }
    }
}
