package dev.osc.engine.metrics;

import dev.osc.engine.Phase;
import dev.osc.engine.Progress;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MigrationMetricsTest {
    private final MeterRegistry registry = new SimpleMeterRegistry();
    private final MigrationMetrics metrics = new MigrationMetrics(registry, "shop", "orders");

    private static Progress progress(long copied, long total, double rate, long applied, long pending, double lag) {
        return new Progress(Phase.COPY, copied, total, rate, applied, pending, lag, Duration.ofSeconds(5), "", 2);
    }

    private double gauge(String name, String... tags) {
        return registry.get(name).tags("database", "shop", "table", "orders").tags(tags).gauge().value();
    }

    private double counter(String name, String... tags) {
        return registry.get(name).tags("database", "shop", "table", "orders").tags(tags).counter().count();
    }

    /** Every series of a state-set gauge, by its label value. */
    private Map<String, Double> states(String name, String label) {
        Map<String, Double> out = new TreeMap<>();
        for (Gauge g : registry.get(name).tags("database", "shop", "table", "orders").gauges()) {
            out.put(g.getId().getTag(label), g.value());
        }
        return out;
    }

    @Test
    void phaseIsAStateSetWithOneSeriesPerPhase() {
        Map<String, Double> before = states("osc.phase", "phase");
        assertEquals(Phase.values().length, before.size(), before.toString());
        assertTrue(before.values().stream().allMatch(v -> v == 0), "no phase before the first event: " + before);

        metrics.phase(Phase.COPY, "copying");
        Map<String, Double> copy = states("osc.phase", "phase");
        assertEquals(1.0, copy.get("copy"));
        assertEquals(1.0, copy.values().stream().mapToDouble(Double::doubleValue).sum(), copy.toString());

        metrics.phase(Phase.CUT_OVER, "swapping");
        Map<String, Double> cutOver = states("osc.phase", "phase");
        assertEquals(1.0, cutOver.get("cut-over"));
        assertEquals(0.0, cutOver.get("copy"), "the previous phase's series goes back to 0");
        assertEquals(1.0, cutOver.values().stream().mapToDouble(Double::doubleValue).sum(), cutOver.toString());
    }

    @Test
    void progressSetsTheGauges() {
        metrics.progress(progress(400, 1000, 123.5, 7, 42, 1.5));
        assertEquals(1000, gauge("osc.rows.estimated"));
        assertEquals(123.5, gauge("osc.copy.rate"));
        assertEquals(2, gauge("osc.copy.threads"));
        assertEquals(42, gauge("osc.changes.pending"));
        assertEquals(1.5, gauge("osc.binlog.lag"));

        metrics.progress(progress(900, 1000, 150, 9, 3, 0));
        assertEquals(3, gauge("osc.changes.pending"), "a gauge shows the last value");
        assertEquals(0, gauge("osc.binlog.lag"));
    }

    @Test
    void rowsCopiedCounterFollowsChunkEvents() {
        metrics.chunkCopied(100, Duration.ofMillis(20));
        metrics.chunkCopied(100, Duration.ofMillis(40));
        metrics.chunkCopied(57, Duration.ofMillis(30));

        assertEquals(257, counter("osc.rows.copied"));
        Timer chunks = registry.get("osc.chunk.duration").timer();
        assertEquals(3, chunks.count());
        assertEquals(90, chunks.totalTime(TimeUnit.MILLISECONDS), 0.001);
        assertEquals(40, chunks.max(TimeUnit.MILLISECONDS), 0.001);
    }

    @Test
    void rowsCopiedCounterTakesProgressTotalsWithoutCountingRowsTwice() {
        // a migration that reports only progress snapshots
        metrics.progress(progress(500, 1000, 100, 0, 0, 0));
        assertEquals(500, counter("osc.rows.copied"));

        // chunk events for the same 500 rows arriving afterwards add nothing
        for (int i = 0; i < 5; i++) {
            metrics.chunkCopied(100, Duration.ofMillis(10));
        }
        assertEquals(500, counter("osc.rows.copied"));

        metrics.chunkCopied(100, Duration.ofMillis(10));
        assertEquals(600, counter("osc.rows.copied"), "events ahead of the last snapshot count");

        metrics.progress(progress(550, 1000, 100, 0, 0, 0));
        assertEquals(600, counter("osc.rows.copied"), "an older snapshot never takes the counter back");

        metrics.progress(progress(800, 1000, 100, 0, 0, 0));
        assertEquals(800, counter("osc.rows.copied"));
    }

    @Test
    void changesAppliedCountsRowsAndKeepsTheLastBatchLag() {
        metrics.changesApplied(30, 2.0);
        metrics.changesApplied(12, 0.5);
        assertEquals(42, counter("osc.changes.applied"));
        assertEquals(0.5, gauge("osc.apply.lag"), "the lag of the last batch, not the largest");

        metrics.progress(progress(0, 10, 0, 40, 0, 0));
        assertEquals(42, counter("osc.changes.applied"), "a snapshot behind the events changes nothing");
        metrics.progress(progress(0, 10, 0, 50, 0, 0));
        assertEquals(50, counter("osc.changes.applied"));
    }

    @Test
    void throttleReasonIsAStateSetByKindAndEventsCountNewKindsOnly() {
        assertEquals(0, gauge("osc.throttled"));
        assertEquals(ThrottleKind.values().length, states("osc.throttle.reason", "reason").size());

        metrics.throttled("replica lag 3.2s on db2:3306 > 1s");
        assertEquals(1, gauge("osc.throttled"));
        Map<String, Double> lag = states("osc.throttle.reason", "reason");
        assertEquals(1.0, lag.get("replica lag"));
        assertEquals(1.0, lag.values().stream().mapToDouble(Double::doubleValue).sum(), lag.toString());
        assertEquals(1, counter("osc.throttle.events", "reason", "replica lag"));

        metrics.throttled("replica lag 4.0s on db2:3306 > 1s");
        assertEquals(1, counter("osc.throttle.events", "reason", "replica lag"), "a new figure is not a new event");

        metrics.throttled("threads running 40 > 25");
        Map<String, Double> threads = states("osc.throttle.reason", "reason");
        assertEquals(0.0, threads.get("replica lag"), "the previous kind's series goes back to 0");
        assertEquals(1.0, threads.get("threads running"));
        assertEquals(1, counter("osc.throttle.events", "reason", "threads running"));

        metrics.throttled("");
        assertEquals(0, gauge("osc.throttled"));
        assertTrue(states("osc.throttle.reason", "reason").values().stream().allMatch(v -> v == 0));

        metrics.throttled("replica lag 2s on db2:3306 > 1s; flag file /tmp/osc-pause exists");
        Map<String, Double> both = states("osc.throttle.reason", "reason");
        assertEquals(1.0, both.get("replica lag"));
        assertEquals(1.0, both.get("flag file"));
        assertEquals(0.0, both.get("paused"), "the path in a flag-file reason does not make it a pause");
        assertEquals(2, counter("osc.throttle.events", "reason", "replica lag"));
        assertEquals(1, counter("osc.throttle.events", "reason", "flag file"));
    }

    @Test
    void theEndOfAMigrationClearsTheThrottleState() {
        metrics.throttled("paused by an operator (osc resume continues)");
        assertEquals(1, gauge("osc.throttle.reason", "reason", "paused"));
        metrics.phase(Phase.FAILED, "aborted");
        assertEquals(0, gauge("osc.throttled"));
        assertEquals(0, gauge("osc.throttle.reason", "reason", "paused"));
    }

    @Test
    void throttleKindsFollowTheFirstWordsOfEachReason() {
        assertEquals(ThrottleKind.REPLICA_LAG, ThrottleKind.of("replica lag 3s on r1 > 1s"));
        assertEquals(ThrottleKind.REPLICA_LAG, ThrottleKind.of("replica-lag unknown: connection refused"));
        assertEquals(ThrottleKind.THREADS_RUNNING, ThrottleKind.of("threads running 90 > critical 80"));
        assertEquals(ThrottleKind.THREADS_RUNNING, ThrottleKind.of("threads-running unknown: timeout"));
        assertEquals(ThrottleKind.FLAG_FILE, ThrottleKind.of("flag file /var/run/paused exists"));
        assertEquals(ThrottleKind.PAUSED, ThrottleKind.of("paused by an operator (osc resume continues)"));
        assertEquals(ThrottleKind.APPLY_BEHIND, ThrottleKind.of("apply behind: 120000 changes pending"));
        assertEquals(ThrottleKind.OTHER, ThrottleKind.of("disk 95% full"));
        assertEquals(List.of(ThrottleKind.REPLICA_LAG, ThrottleKind.THREADS_RUNNING),
                List.copyOf(ThrottleKind.in("replica lag 3s on r1 > 1s; threads running 40 > 25")));
        assertTrue(ThrottleKind.in("").isEmpty());
    }

    @Test
    void cutOverAttemptsCountByOutcomeAndTimeTheLock() {
        metrics.cutOverAttempt(1, false, Duration.ofMillis(3000));
        metrics.cutOverAttempt(2, true, Duration.ofMillis(120));
        assertEquals(1, counter("osc.cutover.attempts", "outcome", "retried"));
        assertEquals(1, counter("osc.cutover.attempts", "outcome", "swapped"));
        Timer lock = registry.get("osc.cutover.lock.held").timer();
        assertEquals(2, lock.count());
        assertEquals(3120, lock.totalTime(TimeUnit.MILLISECONDS), 0.001);
        assertEquals(3000, lock.max(TimeUnit.MILLISECONDS), 0.001);
    }

    @Test
    void checksumProgressSetsBothGauges() {
        metrics.checksumProgress(2500, 10_000);
        assertEquals(2500, gauge("osc.checksum.rows.checked"));
        assertEquals(10_000, gauge("osc.checksum.rows.estimated"));
    }

    @Test
    void controlRequestsCountByCommandNeverByArgument() {
        metrics.controlled("set threads=4", "threads 2 -> 4");
        metrics.controlled("SET max-lag=2s", "max-lag 1s -> 2s");
        metrics.controlled("pause", "paused");
        metrics.controlled("frobnicate now", "unknown command");
        assertEquals(2, counter("osc.control.requests", "command", "set"));
        assertEquals(1, counter("osc.control.requests", "command", "pause"));
        assertEquals(1, counter("osc.control.requests", "command", "other"));
        List<String> commands = registry.get("osc.control.requests").counters().stream()
                .map(c -> c.getId().getTag("command")).sorted().toList();
        assertEquals(List.of("abort", "cutover", "other", "pause", "resume", "set"), commands);
    }

    @Test
    void eventsFromManyThreadsAreAllCounted() throws Exception {
        int threads = 8;
        int chunks = 2000;
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread w = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < chunks; i++) {
                    metrics.chunkCopied(10, Duration.ofMillis(1));
                    metrics.changesApplied(1, 0);
                }
            });
            w.start();
            workers.add(w);
        }
        go.countDown();
        for (Thread w : workers) {
            w.join();
        }
        assertEquals(threads * chunks * 10, counter("osc.rows.copied"));
        assertEquals(threads * chunks, counter("osc.changes.applied"));
        assertEquals(threads * chunks, registry.get("osc.chunk.duration").timer().count());
    }

    @Test
    void gaugesKeepTheirValuesWhenNothingElseHoldsTheListener() throws Exception {
        // the endpoint serves after the run, when the listener may be unreachable
        MeterRegistry own = new SimpleMeterRegistry();
        feedAndForget(own);
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(20);
        }
        assertEquals(1000, own.get("osc.rows.estimated").gauge().value());
        assertEquals(1.0, own.get("osc.phase").tag("phase", "copy").gauge().value());
    }

    private static void feedAndForget(MeterRegistry registry) {
        MigrationMetrics m = new MigrationMetrics(registry, "shop", "orders");
        m.phase(Phase.COPY, "copying");
        m.progress(progress(10, 1000, 1, 0, 0, 0));
    }
}
