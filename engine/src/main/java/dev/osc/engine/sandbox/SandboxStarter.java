package dev.osc.engine.sandbox;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Brings up mariadbd for one sandbox directory: initialises the data directory the first time,
 * launches the server with the settings osc needs, and waits until it answers queries.
 */
final class SandboxStarter {
    private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(100);
    private static final Duration KILL_WAIT = Duration.ofSeconds(10);
    private static final File DEV_NULL = new File("/dev/null");

    private final MariaDbBinaries binaries;
    private final SandboxLayout layout;

    SandboxStarter(MariaDbBinaries binaries, SandboxLayout layout) {
        this.binaries = binaries;
        this.layout = layout;
    }

    /** Starts the server on {@code port}; on any failure no server process is left behind. */
    Process start(int port) {
        return start(port, List.of());
    }

    /** Starts the server with {@code extraArgs} after osc's own options, so that they override them. */
    Process start(int port, List<String> extraArgs) {
        initialiseDataDir();
        long errorLogOffset = LogTail.size(layout.errorLog());
        Process process = launch(port, extraArgs);
        try {
            awaitReady(process, port, errorLogOffset);
            return process;
        } catch (RuntimeException e) {
            kill(process);
            throw e;
        }
    }

    private void initialiseDataDir() {
        if (Files.isDirectory(layout.dataDir())) {
            return;
        }
        // Install into a side directory and move it into place, so an interrupted install never
        // leaves a half-initialised data directory that a later start would take as ready.
        Path partial = layout.partialDataDir();
        deleteRecursively(partial);
        List<String> command = new ArrayList<>(List.of(binaries.installDb().toString(), "--no-defaults"));
        binaries.baseDir().ifPresent(b -> command.add("--basedir=" + b));
        command.addAll(List.of(
                "--datadir=" + partial,
                "--auth-root-authentication-method=normal",
                "--skip-test-db",
                "--skip-name-resolve",
                "--innodb-log-file-size=16M"));
        int exit = run(command, layout.installLog(), INSTALL_TIMEOUT);
        if (exit != 0) {
            throw new SandboxException("mariadb-install-db failed with exit code " + exit + " (see "
                    + layout.installLog() + "):\n" + LogTail.since(layout.installLog(), 0));
        }
        try {
            Files.move(partial, layout.dataDir(), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new SandboxException("Cannot move " + partial + " to " + layout.dataDir() + ": " + e.getMessage(), e);
        }
    }

    private Process launch(int port, List<String> extraArgs) {
        try {
            java.nio.file.Files.createDirectories(layout.tmpDir());
        } catch (java.io.IOException e) {
            throw new SandboxException("Cannot create " + layout.tmpDir() + ": " + e.getMessage(), e);
        }
        List<String> command = new ArrayList<>(List.of(binaries.server().toString(), "--no-defaults"));
        binaries.baseDir().ifPresent(b -> command.add("--basedir=" + b));
        command.addAll(List.of(
                "--datadir=" + layout.dataDir(),
                "--socket=" + layout.socket(),
                "--port=" + port,
                "--bind-address=127.0.0.1",
                "--pid-file=" + layout.pidFile(),
                "--log-error=" + layout.errorLog(),
                // its own temporary directory: several sandboxes and test servers run at once here,
                // and their temporary tables must not meet in a shared /tmp
                "--tmpdir=" + layout.tmpDir(),
                // osc reads row events with full before/after images and column names.
                "--log-bin=" + layout.binlogBase(),
                "--binlog-format=ROW",
                "--binlog-row-image=FULL",
                "--binlog-row-metadata=FULL",
                "--server-id=1",
                "--skip-name-resolve",
                // Small and fast: a throwaway server need not survive a power cut.
                "--innodb-buffer-pool-size=256M",
                "--innodb-log-file-size=16M",
                "--innodb-flush-log-at-trx-commit=2",
                "--sync-binlog=0",
                "--character-set-server=utf8mb4",
                "--collation-server=utf8mb4_unicode_ci",
                "--max-connections=500",
                "--innodb-lock-wait-timeout=20"));
        if (runningAsRoot()) {
            command.add("--user=root"); // mariadbd refuses to run as root without it
        }
        command.addAll(extraArgs);
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(layout.consoleLog().toFile()));
        if (DEV_NULL.exists()) {
            builder.redirectInput(ProcessBuilder.Redirect.from(DEV_NULL));
        }
        try {
            return builder.start();
        } catch (IOException e) {
            throw new SandboxException("Cannot run " + binaries.server() + ": " + e.getMessage(), e);
        }
    }

    private void awaitReady(Process process, int port, long errorLogOffset) {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw diedDuringStartup(process, port, errorLogOffset);
            }
            if (answers(port)) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new SandboxException("MariaDB sandbox server did not answer on 127.0.0.1:" + port
                        + " within " + READY_TIMEOUT.toSeconds() + " s (see " + layout.errorLog() + "):\n"
                        + LogTail.since(layout.errorLog(), errorLogOffset));
            }
            sleep(POLL_INTERVAL);
        }
    }

    private SandboxException diedDuringStartup(Process process, int port, long errorLogOffset) {
        String tail = LogTail.since(layout.errorLog(), errorLogOffset);
        if (tail.contains("Address already in use") || tail.contains("Bind on TCP/IP port")) {
            return new PortInUseException(port);
        }
        return new SandboxException("MariaDB sandbox server exited with code " + process.exitValue()
                + " while starting (see " + layout.errorLog() + "):\n" + tail);
    }

    /**
     * A real query, not a ping: a ping also succeeds when the login is refused. The data directory
     * check makes sure that the answer comes from our server, not from another one on that port.
     */
    private boolean answers(int port) {
        try (Connection c = RootConnections.open(port, Duration.ofSeconds(1), Duration.ofSeconds(2));
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT 1, @@datadir")) {
            return rs.next() && rs.getInt(1) == 1 && isOurDataDir(rs.getString(2));
        } catch (SQLException e) {
            return false;
        }
    }

    private boolean isOurDataDir(String reported) {
        try {
            return reported != null && Files.isSameFile(Path.of(reported), layout.dataDir());
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static void kill(Process process) {
        process.destroy();
        try {
            if (!process.waitFor(KILL_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(KILL_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static int run(List<String> command, Path log, Duration timeout) {
        try {
            Process p = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                kill(p);
                throw new SandboxException(command.get(0) + " did not finish within " + timeout.toSeconds()
                        + " s (see " + log + ")");
            }
            return p.exitValue();
        } catch (IOException e) {
            throw new SandboxException("Cannot run " + command.get(0) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SandboxException("Interrupted while running " + command.get(0), e);
        }
    }

    private static boolean runningAsRoot() {
        try {
            Process p = new ProcessBuilder("id", "-u").redirectErrorStream(true).start();
            String out;
            try (InputStream in = p.getInputStream()) {
                out = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
            }
            if (p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0) {
                return out.equals("0");
            }
        } catch (IOException e) {
            // no id command: fall back to the user name below
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return "root".equals(System.getProperty("user.name"));
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SandboxException("Interrupted while waiting for the MariaDB sandbox server to start", e);
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new SandboxException("Cannot delete " + dir + ": " + e.getMessage(), e);
        }
    }
}
