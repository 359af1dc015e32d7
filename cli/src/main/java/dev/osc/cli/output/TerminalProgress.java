package dev.osc.cli.output;

import dev.osc.engine.Phase;
import dev.osc.engine.Progress;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.io.PrintWriter;

/** A progress bar with rows copied of total, rate, ETA and binlog lag. */
final class TerminalProgress extends ProgressOutput {
    private final PrintWriter out;
    private ProgressBar bar;

    TerminalProgress(PrintWriter out) {
        this.out = out;
    }

    @Override
    public synchronized void phase(Phase phase, String detail) {
        if (phase != Phase.COPY) {
            finish();
        }
        out.println(phase.label() + ": " + detail);
        out.flush();
        if (phase == Phase.COPY) {
            bar = new ProgressBarBuilder().setTaskName("copy").setInitialMax(1).setStyle(ProgressBarStyle.ASCII)
                    .setUpdateIntervalMillis(500).continuousUpdate().showSpeed().setUnit(" rows", 1).build();
        }
    }

    @Override
    public synchronized void progress(Progress p) {
        if (bar == null) {
            return;
        }
        bar.maxHint(Math.max(1, p.rowsTotal()));
        bar.stepTo(p.rowsCopied());
        String throttle = p.throttled() ? " | THROTTLED: " + p.throttleReason() : "";
        bar.setExtraMessage(String.format(" | binlog lag %s, %d changes applied, %d thread%s%s",
                seconds(p.binlogLagSeconds()), p.changesApplied(), p.copyThreads(), p.copyThreads() == 1 ? "" : "s", throttle));
    }

    @Override
    public synchronized void throttled(String reason) {
        if (bar == null) {
            out.println(reason.isEmpty() ? "no longer throttled" : "throttled: " + reason);
            out.flush();
        }
    }

    @Override
    public synchronized void controlled(String request, String acknowledgement) {
        finishLine();
        out.println("control: " + request + " -> " + acknowledgement);
        out.flush();
    }

    @Override
    public synchronized void result(dev.osc.engine.MigrationResult result) {
        finish();
        Summary.print(out, result);
    }

    private void finishLine() {
        if (bar != null) {
            out.println();
        }
    }

    @Override
    public synchronized void notice(String message) {
        out.println("notice: " + message);
        out.flush();
    }

    @Override
    public synchronized void finish() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }
}
