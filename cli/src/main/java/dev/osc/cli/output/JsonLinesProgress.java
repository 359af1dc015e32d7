package dev.osc.cli.output;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.osc.engine.MigrationResult;
import dev.osc.engine.Phase;
import dev.osc.engine.Progress;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One JSON object per line for programs and log pipelines: an event per phase change, notice,
 * throttle change, control request and cut-over attempt, a progress event every
 * {@code progressEvery}, and the result. Every line has {@code event}, {@code time} (UTC,
 * ISO-8601) and {@code elapsedSeconds}.
 */
final class JsonLinesProgress extends ProgressOutput {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final PrintWriter out;
    private final long start = System.nanoTime();
    private final long progressEveryNanos;
    private long lastProgress;

    JsonLinesProgress(PrintWriter out, Duration progressEvery) {
        this.out = out;
        this.progressEveryNanos = progressEvery.toNanos();
    }

    private Map<String, Object> event(String name) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("event", name);
        m.put("time", Instant.now().toString());
        m.put("elapsedSeconds", Math.round((System.nanoTime() - start) / 1e7) / 100.0);
        return m;
    }

    private synchronized void emit(Map<String, Object> m) {
        try {
            out.println(JSON.writeValueAsString(m));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        out.flush();
    }

    @Override
    public void phase(Phase phase, String detail) {
        Map<String, Object> m = event("phase");
        m.put("phase", phase.label());
        m.put("detail", detail);
        emit(m);
    }

    @Override
    public void progress(Progress p) {
        long now = System.nanoTime();
        synchronized (this) {
            if (lastProgress != 0 && now - lastProgress < progressEveryNanos) {
                return;
            }
            lastProgress = now;
        }
        Map<String, Object> m = event("progress");
        m.put("phase", p.phase().label());
        m.put("rowsCopied", p.rowsCopied());
        m.put("rowsTotal", p.rowsTotal());
        m.put("percent", Math.round(p.percent() * 10) / 10.0);
        m.put("rowsPerSecond", Math.round(p.rowsPerSecond()));
        m.put("etaSeconds", eta(p));
        m.put("changesApplied", p.changesApplied());
        m.put("changesPending", p.changesPending());
        m.put("binlogLagSeconds", Math.round(p.binlogLagSeconds() * 10) / 10.0);
        m.put("copyThreads", p.copyThreads());
        m.put("throttled", p.throttled());
        m.put("throttleReason", p.throttled() ? p.throttleReason() : null);
        emit(m);
    }

    /** Seconds left for the copy at the current rate, or null when unknown. */
    static Long eta(Progress p) {
        if (p.phase() != Phase.COPY || p.rowsPerSecond() <= 0) {
            return null;
        }
        return Math.round(Math.max(0, p.rowsTotal() - p.rowsCopied()) / p.rowsPerSecond());
    }

    @Override
    public void notice(String message) {
        Map<String, Object> m = event("notice");
        m.put("message", message);
        emit(m);
    }

    @Override
    public void throttled(String reason) {
        Map<String, Object> m = event("throttle");
        m.put("throttled", !reason.isEmpty());
        m.put("reason", reason.isEmpty() ? null : reason);
        emit(m);
    }

    @Override
    public void controlled(String request, String acknowledgement) {
        Map<String, Object> m = event("control");
        m.put("request", request);
        m.put("answer", acknowledgement);
        emit(m);
    }

    @Override
    public void cutOverAttempt(int attempt, boolean swapped, Duration lockHeld) {
        Map<String, Object> m = event("cutover-attempt");
        m.put("attempt", attempt);
        m.put("swapped", swapped);
        m.put("writesHeldMillis", lockHeld.toMillis());
        emit(m);
    }

    @Override
    public void result(MigrationResult r) {
        Map<String, Object> m = event("result");
        m.put("database", r.plan().database());
        m.put("table", r.plan().table());
        m.put("status", !r.executed() ? "already-applied" : "done");
        m.put("method", r.method().name().toLowerCase(Locale.ROOT));
        m.put("rowsCopied", r.rowsCopied());
        m.put("copyThreads", r.copyThreads());
        m.put("reads", r.reads() == null ? null : r.reads().name().toLowerCase(Locale.ROOT));
        m.put("changesApplied", r.changesApplied());
        m.put("copySeconds", r.copyTime().toMillis() / 1000.0);
        m.put("totalSeconds", r.total().toMillis() / 1000.0);
        m.put("rowsChecked", r.rowsChecked());
        m.put("checksumRounds", r.checksumRounds());
        m.put("rangesRepaired", r.rangesRepaired());
        m.put("cutOverAttempts", r.cutOverAttempts());
        m.put("writesHeldMillis", r.lockMillis());
        m.put("oldTable", r.executed() && r.plan().names() != null ? r.plan().names().old() : null);
        emit(m);
    }

    @Override
    public void failed(int exitCode, String message) {
        Map<String, Object> m = event("failed");
        m.put("exitCode", exitCode);
        m.put("message", message);
        emit(m);
    }
}
