package dev.osc.engine.metrics;

import dev.osc.engine.MigrationListener;
import dev.osc.engine.Phase;
import dev.osc.engine.Progress;
import dev.osc.engine.control.ControlRequest;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToDoubleFunction;
import java.util.stream.DoubleStream;

/**
 * Turns one migration's events into Micrometer meters, all tagged with the database and table.
 * docs/operations.md lists them under their Prometheus names. Use one instance per
 * migration; events may come from several threads.
 */
public final class MigrationMetrics implements MigrationListener {
    /** Control commands counted under their own name; anything else counts as "other". */
    private static final List<String> COMMANDS = List.of(ControlRequest.PAUSE, ControlRequest.RESUME,
            ControlRequest.SET, ControlRequest.CUTOVER, ControlRequest.ABORT);
    private static final String OTHER_COMMAND = "other";
    private static final Duration[] CHUNK_BUCKETS = DoubleStream.of(1, 2.5, 5, 10, 25, 50, 75, 100, 150, 250, 500,
            1000, 2500, 5000, 10_000, 30_000, 60_000).mapToObj(ms -> Duration.ofNanos(Math.round(ms * 1e6)))
            .toArray(Duration[]::new);

    private final RunningTotal rowsCopied;
    private final RunningTotal changesApplied;
    private final Timer chunkDuration;
    private final Map<ThrottleKind, Counter> throttleEvents = new EnumMap<>(ThrottleKind.class);
    private final Counter cutOversSwapped;
    private final Counter cutOversRetried;
    private final Timer cutOverLockHeld;
    private final Map<String, Counter> controlRequests = new LinkedHashMap<>();

    // Last values for the gauges; volatile because events and scrapes come from different threads.
    private volatile Phase phase;
    private final AtomicReference<Set<ThrottleKind>> throttle = new AtomicReference<>(Set.of());
    private volatile long rowsEstimated;
    private volatile double copyRate;
    private volatile int copyThreads;
    private volatile long changesPending;
    private volatile double applyLag;
    private volatile double binlogLag;
    private volatile long checksumChecked;
    private volatile long checksumEstimated;

    public MigrationMetrics(MeterRegistry registry, String database, String table) {
        Tags tags = Tags.of("database", database, "table", table);

        rowsCopied = new RunningTotal(Counter.builder("osc.rows.copied")
                .description("Rows copied into the shadow table").tags(tags).register(registry));
        // "estimated", not "total": Prometheus reserves the _total suffix for counters
        gauge(registry, tags, "osc.rows.estimated", "Estimated rows to copy, never below the rows copied", null,
                m -> m.rowsEstimated);
        gauge(registry, tags, "osc.copy.rate", "Average copy rate since the migration started", "rows.per.second",
                m -> m.copyRate);
        gauge(registry, tags, "osc.copy.threads", "Copy workers running", null, m -> m.copyThreads);
        chunkDuration = Timer.builder("osc.chunk.duration")
                .description("Time to copy one chunk, commit included")
                .tags(tags)
                // fixed buckets around the chunk-time target (10ms-10s, 100ms by default): PromQL's
                // histogram_quantile gives p50/p99 from them, and 17 series stay cheap
                .serviceLevelObjectives(CHUNK_BUCKETS)
                .register(registry);

        changesApplied = new RunningTotal(Counter.builder("osc.changes.applied")
                .description("Changed rows re-applied from the binlog to the shadow table").tags(tags).register(registry));
        gauge(registry, tags, "osc.changes.pending", "Changed keys read from the binlog and not yet applied", null,
                m -> m.changesPending);
        gauge(registry, tags, "osc.apply.lag", "Age of the oldest change in the last applied batch", "seconds",
                m -> m.applyLag);
        gauge(registry, tags, "osc.binlog.lag", "How far the binlog reader is behind the server", "seconds",
                m -> m.binlogLag);

        gauge(registry, tags, "osc.throttled", "1 while osc holds back, else 0", null,
                m -> m.throttle.get().isEmpty() ? 0 : 1);
        for (ThrottleKind kind : ThrottleKind.values()) {
            Tags kindTags = tags.and("reason", kind.label());
            gauge(registry, kindTags, "osc.throttle.reason", "1 for each kind of reason osc holds back for now, else 0",
                    null, m -> m.throttle.get().contains(kind) ? 1 : 0);
            throttleEvents.put(kind, Counter.builder("osc.throttle.events")
                    .description("Times osc started holding back, by kind of reason").tags(kindTags).register(registry));
        }

        for (Phase p : Phase.values()) {
            gauge(registry, tags.and("phase", p.label()), "osc.phase", "1 for the current phase, else 0", null,
                    m -> m.phase == p ? 1 : 0);
        }

        cutOversSwapped = cutOverCounter(registry, tags, "swapped");
        cutOversRetried = cutOverCounter(registry, tags, "retried");
        cutOverLockHeld = Timer.builder("osc.cutover.lock.held")
                .description("How long one cut-over attempt held the table lock (application writes waited)")
                .tags(tags).register(registry);

        gauge(registry, tags, "osc.checksum.rows.checked", "Rows compared by the checksum so far", null,
                m -> m.checksumChecked);
        gauge(registry, tags, "osc.checksum.rows.estimated", "Estimated rows the checksum compares", null,
                m -> m.checksumEstimated);

        for (String command : COMMANDS) {
            controlRequests.put(command, controlCounter(registry, tags, command));
        }
        controlRequests.put(OTHER_COMMAND, controlCounter(registry, tags, OTHER_COMMAND));
    }

    /*
     * A strong reference: the registry outlives the listener (the endpoint serves after the run),
     * and a weakly held gauge would turn to NaN once the listener is collected.
     */
    private void gauge(MeterRegistry registry, Tags tags, String name, String description, String unit,
                       ToDoubleFunction<MigrationMetrics> value) {
        Gauge.builder(name, this, value).description(description).baseUnit(unit).tags(tags)
                .strongReference(true).register(registry);
    }

    private static Counter cutOverCounter(MeterRegistry registry, Tags tags, String outcome) {
        return Counter.builder("osc.cutover.attempts")
                .description("Cut-over attempts: swapped, or retried after the lock or the last changes took too long")
                .tags(tags.and("outcome", outcome)).register(registry);
    }

    private static Counter controlCounter(MeterRegistry registry, Tags tags, String command) {
        return Counter.builder("osc.control.requests").description("Control requests the migration answered")
                .tags(tags.and("command", command)).register(registry);
    }

    @Override
    public void phase(Phase phase, String detail) {
        this.phase = phase;
        if (phase == Phase.DONE || phase == Phase.FAILED) {
            // nothing holds back a migration that has ended; a stale 1 would keep alerts firing
            throttle.set(Set.of());
        }
    }

    @Override
    public void progress(Progress p) {
        rowsEstimated = p.rowsTotal();
        copyRate = p.rowsPerSecond();
        copyThreads = p.copyThreads();
        changesPending = p.changesPending();
        binlogLag = p.binlogLagSeconds();
        rowsCopied.snapshot(p.rowsCopied());
        changesApplied.snapshot(p.changesApplied());
    }

    @Override
    public void chunkCopied(int rows, Duration took) {
        rowsCopied.add(rows);
        if (took != null) {
            chunkDuration.record(took);
        }
    }

    @Override
    public void changesApplied(int rows, double lagSeconds) {
        changesApplied.add(rows);
        applyLag = lagSeconds;
    }

    @Override
    public void throttled(String reason) {
        Set<ThrottleKind> now = ThrottleKind.in(reason);
        Set<ThrottleKind> before = throttle.getAndSet(now);
        // only a kind that was not holding back already counts: a new lag figure is not a new event
        for (ThrottleKind kind : now) {
            if (!before.contains(kind)) {
                throttleEvents.get(kind).increment();
            }
        }
    }

    @Override
    public void checksumProgress(long rowsChecked, long rowsTotal) {
        checksumChecked = rowsChecked;
        checksumEstimated = rowsTotal;
    }

    @Override
    public void cutOverAttempt(int attempt, boolean swapped, Duration lockHeld) {
        (swapped ? cutOversSwapped : cutOversRetried).increment();
        if (lockHeld != null) {
            cutOverLockHeld.record(lockHeld);
        }
    }

    @Override
    public void controlled(String request, String acknowledgement) {
        controlRequests.get(command(request)).increment();
    }

    /** The request's first word if it is a known command, so that arguments never become labels. */
    static String command(String request) {
        String first = request == null ? "" : request.strip().split("\\s+", 2)[0].toLowerCase(Locale.ROOT);
        return COMMANDS.contains(first) ? first : OTHER_COMMAND;
    }

    /**
     * One cumulative count heard from two sources: increments per event (chunkCopied,
     * changesApplied) and the total in each progress snapshot. Both count the same rows and each
     * only lags, so the counter follows whichever is ahead, never their sum; it stays right when a
     * migration sends only one of the two.
     */
    private static final class RunningTotal {
        private final Counter counter;
        private long fromEvents;
        private long fromSnapshots;
        private long published;

        RunningTotal(Counter counter) {
            this.counter = counter;
        }

        synchronized void add(long n) {
            if (n > 0) {
                fromEvents += n;
                publish();
            }
        }

        synchronized void snapshot(long total) {
            fromSnapshots = Math.max(fromSnapshots, total);
            publish();
        }

        private void publish() {
            long target = Math.max(fromEvents, fromSnapshots);
            if (target > published) {
                counter.increment(target - published);
                published = target;
            }
        }
    }
}
