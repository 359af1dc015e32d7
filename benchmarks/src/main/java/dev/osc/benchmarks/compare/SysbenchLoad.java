package dev.osc.benchmarks.compare;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code sysbench oltp_write_only --rate=R --threads=4 --db-ps-mode=disable --report-interval=1}:
 * prepared statements off because pt-online-schema-change's swap breaks them on MariaDB. The
 * per-second lines give the p99, the errors and the queue.
 *
 * <p>sysbench measures a transaction's latency from when a thread starts it, not from when its
 * rate schedule made it due: transactions waiting for a busy thread count only in the queue length
 * it reports. So a blocked table shows here as a long queue (and seconds with no transaction done),
 * which the report gives next to the p99.
 */
final class SysbenchLoad implements Load {
    private static final Pattern REPORT = Pattern.compile(
            "^\\[ *(\\d+)s ] thds: \\d+ tps: ([\\d.]+) .*lat \\(ms,99%\\): ([\\d.]+) err/s: ([\\d.]+)");
    private static final Pattern QUEUE = Pattern.compile("^\\[ *(\\d+)s ] queue length: (\\d+), concurrency: \\d+");
    private static final long SECOND = 1_000_000_000L;

    private final Sysbench sysbench;
    private final int rate;
    private final ChildProcesses children;
    private final Path log;
    private Process process;
    private Thread reader;
    private volatile long threadsStarted;
    private final Map<Integer, Second> seconds = new TreeMap<>();
    private final List<String> fatal = new ArrayList<>();

    /** One report line: transactions per second, p99 in ms, errors per second, queue length. */
    private static final class Second {
        long arrived;
        double tps;
        double p99;
        double errors;
        long queue;
    }

    SysbenchLoad(Sysbench sysbench, int rate, ChildProcesses children, Path log) {
        this.sysbench = sysbench;
        this.rate = rate;
        this.children = children;
        this.log = log;
    }

    @Override
    public String describe() {
        return "sysbench oltp_write_only --rate=" + rate + " --threads=" + THREADS + " --db-ps-mode=disable";
    }

    List<String> command() {
        List<String> cmd = sysbench.command(SbTables.DB);
        cmd.addAll(List.of("--rate=" + rate, "--threads=" + THREADS, "--db-ps-mode=disable", "--report-interval=1",
                "--percentile=99", "--time=0", "run"));
        return cmd;
    }

    @Override
    public void start() throws IOException, InterruptedException {
        long launched = System.nanoTime();
        threadsStarted = launched;
        process = children.start(new ProcessBuilder(command()).redirectErrorStream(true));
        reader = new Thread(this::read, "compare-sysbench-reader");
        reader.setDaemon(true);
        reader.start();
        // the report seconds count from "Threads started!"; wait for it so that they line up with the migration
        long deadline = launched + 30 * SECOND;
        while (threadsStarted == launched && process.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        if (!process.isAlive()) {
            reader.join(5_000);
            throw new IOException("sysbench exited with code " + process.exitValue() + ": " + LogFiles.tail(log, 5));
        }
    }

    /** Copies sysbench's output to the log, noting when each line arrived (sysbench flushes every line). */
    private void read() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
             PrintWriter out = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8), true)) {
            String line;
            while ((line = in.readLine()) != null) {
                out.println(line);
                parse(line, System.nanoTime());
            }
        } catch (IOException e) {
            synchronized (seconds) {
                fatal.add("reading sysbench's output: " + e.getMessage());
            }
        }
    }

    private void parse(String line, long arrived) {
        if (line.startsWith("Threads started!")) {
            threadsStarted = arrived;
            return;
        }
        synchronized (seconds) {
            Matcher m = REPORT.matcher(line);
            if (m.find()) {
                Second s = seconds.computeIfAbsent(Integer.parseInt(m.group(1)), k -> new Second());
                s.arrived = arrived;
                s.tps = Double.parseDouble(m.group(2));
                s.p99 = Double.parseDouble(m.group(3));
                s.errors = Double.parseDouble(m.group(4));
                return;
            }
            Matcher q = QUEUE.matcher(line);
            if (q.find()) {
                seconds.computeIfAbsent(Integer.parseInt(q.group(1)), k -> new Second()).queue = Long.parseLong(q.group(2));
                return;
            }
            if (line.startsWith("FATAL:")) {
                fatal.add(line);
            }
        }
    }

    /**
     * When sysbench's clock started. Each report line leaves sysbench just after its second ends, so
     * the earliest arrival less its second is closer than the "Threads started!" line, which
     * sysbench prints a little after starting its clock.
     */
    private long timerStart() {
        long start = threadsStarted;
        for (Map.Entry<Integer, Second> e : seconds.entrySet()) {
            if (e.getValue().arrived != 0) {
                start = Math.min(start, e.getValue().arrived - e.getKey() * SECOND);
            }
        }
        return start;
    }

    @Override
    public void stop() throws InterruptedException {
        if (process != null) {
            ChildProcesses.stop(process);
        }
        if (reader != null) {
            reader.join(10_000);
        }
    }

    @Override
    public LoadSummary summarise(long baselineFrom, long migrationStart, long migrationEnd) {
        synchronized (seconds) {
            long t0 = timerStart();
            // report second n covers (n-1, n] seconds after the threads started
            int first = (int) ((migrationStart - t0) / SECOND) + 1;
            int last = (int) Math.max(first, (migrationEnd - t0 + SECOND - 1) / SECOND);
            int baseFirst = (int) ((baselineFrom - t0 + SECOND - 1) / SECOND) + 1;
            List<Double> before = new ArrayList<>();
            List<Double> during = new ArrayList<>();
            long maxQueue = 0;
            double errors = 0;
            for (Map.Entry<Integer, Second> e : seconds.entrySet()) {
                int n = e.getKey();
                Second s = e.getValue();
                errors += s.errors;
                if (n >= baseFirst && n < first && s.tps > 0) {
                    before.add(s.p99);
                }
                if (n >= first && n <= last) {
                    maxQueue = Math.max(maxQueue, s.queue);
                    if (s.tps > 0) {
                        during.add(s.p99);
                    }
                }
            }
            // a second without a report line (sysbench died) finished nothing either
            int stalled = (last - first + 1) - during.size();
            long failed = Math.round(errors) + fatal.stream().filter(l -> l.contains("returned error")).count();
            String firstError = fatal.isEmpty() ? null : fatal.get(0);
            String queue = String.format(Locale.ROOT, "max %,d queued (~%.1f s at %d tx/s)%s", maxQueue,
                    maxQueue / (double) rate, rate, stalled == 0 ? "" : ", " + stalled + " s with none done");
            return new LoadSummary(
                    before.stream().mapToDouble(Double::doubleValue).average().orElse(0),
                    during.stream().mapToDouble(Double::doubleValue).average().orElse(0),
                    during.stream().mapToDouble(Double::doubleValue).max().orElse(0),
                    during.size(), failed, firstError, queue);
        }
    }
}
