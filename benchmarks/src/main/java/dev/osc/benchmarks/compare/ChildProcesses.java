package dev.osc.benchmarks.compare;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Every process the comparison starts (sysbench, pt-online-schema-change, osc), so that a failure
 * or Ctrl-C can stop the ones still running, each by its own PID.
 */
final class ChildProcesses {
    private static final long TERM_WAIT_SECONDS = 70; // osc drops its shadow table on SIGTERM, within 60 s

    private final Set<Process> running = new LinkedHashSet<>();

    /** Starts {@code command} with stdout and stderr appended to {@code log}. */
    Process start(List<String> command, Path log) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        // the sandbox's root has no password; a password meant for a real server must not leak into these runs
        builder.environment().remove("OSC_PASSWORD");
        builder.environment().remove("MYSQL_PWD");
        return track(builder.start());
    }

    /** Starts {@code builder} as configured; the caller reads its output. */
    Process start(ProcessBuilder builder) throws IOException {
        builder.environment().remove("OSC_PASSWORD");
        builder.environment().remove("MYSQL_PWD");
        return track(builder.start());
    }

    private synchronized Process track(Process p) {
        running.add(p);
        p.onExit().thenRun(() -> forget(p));
        return p;
    }

    private synchronized void forget(Process p) {
        running.remove(p);
    }

    /** Asks one process to stop (SIGTERM), and kills it if it has not exited in time. */
    static void stop(Process p) {
        if (!p.isAlive()) {
            return;
        }
        p.destroy();
        try {
            if (!p.waitFor(TERM_WAIT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** Stops every process still running. */
    void stopAll() {
        List<Process> left;
        synchronized (this) {
            left = new ArrayList<>(running);
        }
        left.forEach(ChildProcesses::stop);
    }
}
