package dev.osc.benchmarks.compare;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Percona's pt-online-schema-change, run as a careful user would on a server without replicas:
 * {@code --recursion-method=none} (nothing to find), {@code --no-version-check} (it would call
 * out to the internet), chunk time and everything else at their defaults.
 */
final class PtOnlineSchemaChange implements Contender {
    static final String NAME = "pt-online-schema-change";
    static final long TIMEOUT_MINUTES = 60;

    private final ExternalTool tool;

    PtOnlineSchemaChange(ExternalTool tool) {
        this.tool = tool;
    }

    @Override
    public String key() {
        return "pt-osc";
    }

    @Override
    public String title() {
        return NAME;
    }

    private static List<String> options(String dsn) {
        return List.of("--alter", SbTables.ALTER, "--execute", "--recursion-method=none", "--no-version-check", dsn);
    }

    @Override
    public String commandLine() {
        return NAME + " --alter '" + SbTables.ALTER + "' --execute --recursion-method=none"
                + " --no-version-check h=127.0.0.1,P=PORT,u=root,D=" + SbTables.DB + ",t=" + SbTables.TABLE;
    }

    @Override
    public Optional<String> unavailable() {
        return tool.installed() ? Optional.empty() : Optional.of("not installed");
    }

    @Override
    public Optional<Heap> migrate(Target target) throws Exception {
        Path log = target.workDir().resolve("pt-osc.log");
        List<String> cmd = new ArrayList<>();
        cmd.add(tool.executable().toString());
        cmd.addAll(options("h=127.0.0.1,P=" + target.port() + ",u=root,D=" + SbTables.DB + ",t=" + SbTables.TABLE));
        Process p = target.children().start(cmd, log);
        if (!p.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
            ChildProcesses.stop(p);
            throw new IOException("did not finish within " + TIMEOUT_MINUTES + " minutes");
        }
        if (p.exitValue() != 0) {
            throw new IOException("exit code " + p.exitValue() + ": " + LogFiles.tail(log, 3));
        }
        return Optional.empty();
    }
}
