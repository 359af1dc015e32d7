package dev.osc.cli.output;

import dev.osc.engine.MigrationListener;
import dev.osc.engine.Phase;
import dev.osc.engine.Progress;

import java.io.PrintWriter;

/**
 * Shows a migration's progress: a live bar on a terminal, one line per phase otherwise (logs of
 * deploy pipelines stay readable).
 */
public abstract class ProgressOutput implements MigrationListener, AutoCloseable {

    /** A bar when stdout is a terminal, plain lines otherwise. */
    public static ProgressOutput forConsole(PrintWriter out) {
        return System.console() != null ? new TerminalProgress(out) : new LineProgress(out);
    }

    /** Ends any live display before the summary is printed. */
    public void finish() {
    }

    @Override
    public void close() {
        finish();
    }

    static String seconds(double s) {
        return s < 10 ? String.format("%.1fs", s) : String.format("%.0fs", s);
    }

    /** One line per phase and notice. */
    static final class LineProgress extends ProgressOutput {
        private final PrintWriter out;
        private final long start = System.nanoTime();

        LineProgress(PrintWriter out) {
            this.out = out;
        }

        @Override
        public void phase(Phase phase, String detail) {
            out.printf("[%7.1fs] %-9s %s%n", (System.nanoTime() - start) / 1e9, phase.label(), detail);
            out.flush();
        }

        @Override
        public void notice(String message) {
            out.printf("[%7.1fs] notice    %s%n", (System.nanoTime() - start) / 1e9, message);
            out.flush();
        }
    }
}
