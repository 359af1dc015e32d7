package dev.osc.throttler;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.IntSupplier;

/**
 * Reads its signals on a background thread every {@code interval} and keeps the verdict, so that
 * the copy and apply loops ask a volatile field rather than the servers. Several throttling
 * signals give one reason joined with "; ". A signal that reads CRITICAL for
 * {@code criticalChecks} consecutive reads makes {@link #abortReason()} non-empty.
 */
public final class SignalThrottler implements Throttler, AutoCloseable {
    private final List<Signal> signals = new CopyOnWriteArrayList<>();
    private final Duration interval;
    private final IntSupplier criticalChecks;
    private final Consumer<String> onChange;
    private final Map<String, Integer> criticalStreak = new HashMap<>();
    private final ScheduledExecutorService reader;
    private volatile Optional<String> reason = Optional.empty();
    private volatile Optional<String> abort = Optional.empty();

    /**
     * @param onChange hears the new reason (empty string when throttling ends) each time it changes
     */
    public SignalThrottler(List<Signal> signals, Duration interval, IntSupplier criticalChecks, Consumer<String> onChange) {
        this.signals.addAll(signals);
        this.interval = interval;
        this.criticalChecks = criticalChecks;
        this.onChange = onChange;
        this.reader = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "osc-throttler");
            t.setDaemon(true);
            return t;
        });
    }

    /** Reads every signal once now (so the first answer is not a guess), then every interval. */
    public SignalThrottler start() {
        readAll();
        reader.scheduleWithFixedDelay(this::readAll, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** Adds a signal while running, e.g. replicas found after the start. */
    public void add(Signal signal) {
        signals.add(signal);
    }

    /** Reads every signal now and updates the verdict; also what the background thread runs. */
    public synchronized void readAll() {
        List<String> reasons = new ArrayList<>();
        String critical = null;
        for (Signal s : signals) {
            Reading r;
            try {
                r = s.read();
            } catch (Exception e) {
                // a signal osc cannot read is no reason to go on at full speed
                r = Reading.throttle(s.name() + " unknown: " + e.getMessage());
            }
            if (r.level() == Reading.Level.CRITICAL) {
                int streak = criticalStreak.merge(s.name(), 1, Integer::sum);
                if (streak >= Math.max(1, criticalChecks.getAsInt())) {
                    critical = r.reason() + " for " + streak + " consecutive checks";
                }
            } else {
                criticalStreak.remove(s.name());
            }
            if (!r.ok()) {
                reasons.add(r.reason());
            }
        }
        Optional<String> now = reasons.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", reasons));
        if (critical != null) {
            abort = Optional.of(critical);
        }
        if (!now.equals(reason)) {
            reason = now;
            onChange.accept(now.orElse(""));
        }
    }

    @Override
    public Optional<String> throttleReason() {
        return reason;
    }

    @Override
    public Optional<String> abortReason() {
        return abort;
    }

    /** Stops reading and closes the signals that hold connections. */
    @Override
    public void close() {
        reader.shutdownNow();
        try {
            reader.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Signal s : signals) {
            if (s instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // closing a connection that is going away anyway
                }
            }
        }
    }
}
