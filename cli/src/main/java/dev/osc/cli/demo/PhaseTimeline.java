package dev.osc.cli.demo;

import dev.osc.engine.MigrationListener;
import dev.osc.engine.Phase;
import dev.osc.engine.Progress;

import java.util.ArrayList;
import java.util.List;

/**
 * Passes a migration's events on to the display and remembers when each phase began, so that the
 * load's latency can be laid next to what the migration was doing at the time.
 */
public final class PhaseTimeline implements MigrationListener {
    private final MigrationListener display;
    private final List<Entry> entries = new ArrayList<>();

    /** A phase and the System.nanoTime() at which it began. */
    public record Entry(Phase phase, long startNanos) {
    }

    public PhaseTimeline(MigrationListener display) {
        this.display = display;
    }

    @Override
    public void phase(Phase phase, String detail) {
        synchronized (entries) {
            entries.add(new Entry(phase, System.nanoTime()));
        }
        display.phase(phase, detail);
    }

    @Override
    public void progress(Progress progress) {
        display.progress(progress);
    }

    @Override
    public void notice(String message) {
        display.notice(message);
    }

    /** The phase that ran at {@code nanos}, or null before the first. */
    public Phase phaseAt(long nanos) {
        synchronized (entries) {
            Phase current = null;
            for (Entry e : entries) {
                if (e.startNanos() - nanos <= 0) {
                    current = e.phase();
                }
            }
            return current;
        }
    }

    public List<Entry> entries() {
        synchronized (entries) {
            return List.copyOf(entries);
        }
    }
}
