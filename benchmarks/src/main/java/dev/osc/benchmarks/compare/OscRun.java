package dev.osc.benchmarks.compare;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * osc as a user runs it, {@code osc run --method copy --execute} with every other setting at its
 * default, in its own JVM (default heap limit, the launcher's nice level and JVM options) started from this jar,
 * which holds the cli.
 */
final class OscRun implements Contender {
    static final long TIMEOUT_MINUTES = 60;
    /** The CPU priority and JVM options the ./osc launcher starts osc with (see the launcher for why). */
    static final String NICE = "10";
    static final List<String> JVM_OPTIONS = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

    private final Path javaExecutable;
    private final String classPath;

    /** Options added to osc's command line (compare --osc-arg), for tuning runs. */
    private final List<String> extra;

    /** @param classPath this JVM's class path: the benchmarks jar, which holds osc's cli */
    OscRun(Path javaExecutable, String classPath, List<String> extra) {
        this.javaExecutable = javaExecutable;
        this.classPath = classPath;
        this.extra = List.copyOf(extra);
    }

    @Override
    public String key() {
        return "osc";
    }

    @Override
    public String title() {
        return "osc";
    }

    private List<String> options(int port) {
        List<String> o = new java.util.ArrayList<>(List.of("run", "--host", "127.0.0.1", "--port", Integer.toString(port),
                "--user", "root", "--database", SbTables.DB, "--table", SbTables.TABLE, "--alter", SbTables.ALTER,
                "--method", "copy", "--execute"));
        o.addAll(extra);
        return o;
    }

    @Override
    public String commandLine() {
        return "osc run --host 127.0.0.1 --port PORT --user root --database " + SbTables.DB + " --table " + SbTables.TABLE
                + " --alter '" + SbTables.ALTER + "' --method copy --execute" + (extra.isEmpty() ? "" : " " + String.join(" ", extra));
    }

    @Override
    public Optional<String> unavailable() {
        return Optional.empty();
    }

    @Override
    public Optional<Heap> migrate(Target target) throws Exception {
        Path log = target.workDir().resolve("osc.log");
        Path peakFile = target.workDir().resolve("osc-heap.properties");
        Files.deleteIfExists(peakFile);
        List<String> cmd = new ArrayList<>(List.of("nice", "-n", NICE, javaExecutable.toString()));
        cmd.addAll(JVM_OPTIONS);
        cmd.addAll(List.of("-cp", classPath, OscWithHeapPeak.class.getName(), peakFile.toString()));
        cmd.addAll(options(target.port()));
        Process p = target.children().start(cmd, log);
        if (!p.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
            ChildProcesses.stop(p);
            throw new IOException("did not finish within " + TIMEOUT_MINUTES + " minutes");
        }
        if (p.exitValue() != 0) {
            throw new IOException("exit code " + p.exitValue() + ": " + LogFiles.tail(log, 3));
        }
        return readHeap(peakFile);
    }

    private static Optional<Heap> readHeap(Path peakFile) throws IOException {
        if (!Files.exists(peakFile)) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(peakFile, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        return Optional.of(new Heap(Long.parseLong(p.getProperty("peakUsedBytes")), Long.parseLong(p.getProperty("maxBytes"))));
    }
}
