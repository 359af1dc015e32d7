package dev.osc.benchmarks.compare;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** sysbench's oltp_write_only against the sandbox: preparing the template, and the options of a load. */
final class Sysbench {
    private static final long PREPARE_TIMEOUT_MINUTES = 60;

    private final ExternalTool tool;
    private final int port;
    private final long rows;

    Sysbench(ExternalTool tool, int port, long rows) {
        this.tool = tool;
        this.port = port;
        this.rows = rows;
    }

    /** sysbench and the options every command shares; root has no password in the sandbox. */
    List<String> command(String database) {
        return new ArrayList<>(List.of(tool.executable().toString(), "oltp_write_only", "--db-driver=mysql",
                "--mysql-host=127.0.0.1", "--mysql-port=" + port, "--mysql-user=root", "--mysql-db=" + database,
                "--tables=1", "--table-size=" + rows));
    }

    /** {@code sysbench oltp_write_only prepare} into {@code database}, which must exist. */
    void prepare(String database, ChildProcesses children, Path log) throws IOException, InterruptedException {
        List<String> cmd = command(database);
        cmd.add("prepare");
        Process p = children.start(cmd, log);
        if (!p.waitFor(PREPARE_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
            ChildProcesses.stop(p);
            throw new IOException("sysbench prepare did not finish within " + PREPARE_TIMEOUT_MINUTES + " minutes (see " + log + ")");
        }
        if (p.exitValue() != 0) {
            throw new IOException("sysbench prepare failed with exit code " + p.exitValue() + ": " + LogFiles.tail(log, 5));
        }
    }
}
