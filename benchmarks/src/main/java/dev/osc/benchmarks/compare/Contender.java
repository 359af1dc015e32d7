package dev.osc.benchmarks.compare;

import dev.osc.cli.demo.DemoDatabase;

import java.nio.file.Path;
import java.util.Optional;

/** One way of making the change: the blocking ALTER, pt-online-schema-change or osc. */
interface Contender {
    /** Where a contender works: the sandbox, a directory for its logs, and the processes it starts. */
    record Target(int port, DemoDatabase db, Path workDir, ChildProcesses children) {
        /** The same target with a directory of its own for one run's logs. */
        Target forRun(String name) throws java.io.IOException {
            return new Target(port, db, java.nio.file.Files.createDirectories(workDir.resolve(name)), children);
        }
    }

    /** Heap of the migrating process, when the contender measures it. */
    record Heap(long peakUsedBytes, long maxBytes) {
    }

    /** The name {@code --only} takes. */
    String key();

    /** The name in the report. */
    String title();

    /** The command line as a user would type it, for the report. */
    String commandLine();

    /** Empty when it can run here, else why not ("not installed"). */
    Optional<String> unavailable();

    /**
     * Makes the change on {@link SbTables#DB}.{@link SbTables#TABLE} and returns when it is done.
     *
     * @throws Exception with the reason when the contender failed
     */
    Optional<Heap> migrate(Target target) throws Exception;
}
