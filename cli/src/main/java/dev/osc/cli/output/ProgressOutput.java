package dev.osc.cli.output;

import dev.osc.engine.MigrationListener;
import dev.osc.engine.Phase;
import dev.osc.engine.Progress;

import java.io.PrintWriter;

/**
 * Shows a migration's progress: a live bar on a terminal; JSON lines otherwise (or with --json),
 * which deploy pipelines and log collectors can parse.
 */
public abstract class ProgressOutput implements MigrationListener, AutoCloseable {

    /** A bar when stdout is a terminal and JSON is not asked for, JSON lines otherwise. */
    public static ProgressOutput forConsole(PrintWriter out, boolean json) {
        return System.console() != null && !json ? new TerminalProgress(out)
                : new JsonLinesProgress(out, java.time.Duration.ofSeconds(2));
    }

    /** Whether output is for programs (then the summary is a JSON line too). */
    public boolean json() {
        return this instanceof JsonLinesProgress;
    }

    /** The migration finished (or found the change already applied). */
    public abstract void result(dev.osc.engine.MigrationResult result);

    /** The migration stopped with an error; the message also goes to stderr. */
    public void failed(int exitCode, String message) {
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
}
