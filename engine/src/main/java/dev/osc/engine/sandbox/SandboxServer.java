package dev.osc.engine.sandbox;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntFunction;

/**
 * A local MariaDB server set up the way osc needs it (row-based binlog with full images and
 * metadata), living entirely in one directory. Used by {@code osc sandbox} and by the tests.
 *
 * <p>The server outlives the JVM that started it unless {@link #registerShutdownHook()} is called;
 * a later process finds it again through {@code sandbox.properties} with {@link #find(Path)} and
 * stops it by PID.
 */
public final class SandboxServer {
    private static final Logger log = LoggerFactory.getLogger(SandboxServer.class);

    private static final int FREE_PORT_ATTEMPTS = 3;
    private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(30);
    private static final Duration KILL_WAIT = Duration.ofSeconds(10);

    private final SandboxLayout layout;
    private final int port;
    private final ProcessHandle process;
    private final AtomicBoolean stopped = new AtomicBoolean();
    private Thread shutdownHook;

    private SandboxServer(SandboxLayout layout, int port, ProcessHandle process) {
        this.layout = layout;
        this.port = port;
        this.process = process;
    }

    /**
     * Starts a server whose files live under {@code dir}, initialising {@code dir/data} on first use.
     *
     * @param port the TCP port on 127.0.0.1, or 0 for any free port
     * @throws PortInUseException if {@code port} is taken
     * @throws SandboxException if the binaries are missing, a sandbox already runs in {@code dir},
     *                          or the server does not come up (the message holds the error log's tail)
     */
    public static SandboxServer start(Path dir, int port) {
        return start(dir, port, chosenPort -> List.of());
    }

    /**
     * Like {@link #start(Path, int)}, with more server options after osc's own, so that they win
     * where both set the same option (a test replica needs another {@code --server-id}, for one).
     *
     * @param extraArgs the extra options given the port the server will listen on, which is only
     *                  known here when {@code port} is 0
     */
    public static SandboxServer start(Path dir, int port, IntFunction<List<String>> extraArgs) {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("Not a TCP port: " + port);
        }
        MariaDbBinaries binaries = MariaDbBinaries.locate();
        SandboxLayout layout = new SandboxLayout(dir);
        find(layout.dir()).ifPresent(running -> {
            throw new SandboxException("A sandbox is already running in " + layout.dir()
                    + " (port " + running.port() + ", pid " + running.pid() + ")");
        });
        SandboxStarter starter = new SandboxStarter(binaries, layout);
        for (int attempt = 1; ; attempt++) {
            int chosen = port == 0 ? LocalPorts.pickFree() : port;
            try {
                if (!LocalPorts.isFree(chosen)) {
                    throw new PortInUseException(chosen);
                }
                createDirectory(layout.dir());
                return started(layout, chosen, starter.start(chosen, extraArgs.apply(chosen)));
            } catch (PortInUseException e) {
                // A free port can be taken by someone else between picking it and the server binding it.
                if (port != 0 || attempt >= FREE_PORT_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    private static void createDirectory(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new SandboxException("Cannot create " + dir + ": " + e.getMessage(), e);
        }
    }

    private static SandboxServer started(SandboxLayout layout, int port, Process process) {
        SandboxServer server = new SandboxServer(layout, port, process.toHandle());
        try {
            new SandboxProperties(port, process.pid(), layout.dataDir()).write(layout.properties());
        } catch (RuntimeException e) {
            server.stop();
            throw e;
        }
        log.debug("Sandbox MariaDB started in {} on port {} (pid {})", layout.dir(), port, process.pid());
        return server;
    }

    /** The sandbox running in {@code dir}, if {@code dir/sandbox.properties} names a live mariadbd for that directory. */
    public static Optional<SandboxServer> find(Path dir) {
        SandboxLayout layout = new SandboxLayout(dir);
        return SandboxProperties.read(layout.properties())
                .filter(p -> p.dataDir().equals(layout.dataDir()))
                .flatMap(p -> ProcessHandle.of(p.pid())
                        .filter(h -> isServerFor(h, p.dataDir()))
                        .map(h -> new SandboxServer(layout, p.port(), h)));
    }

    /** The PID alone is not proof: after a reboot it may belong to any other process. */
    private static boolean isServerFor(ProcessHandle handle, Path dataDir) {
        if (!handle.isAlive()) {
            return false;
        }
        ProcessHandle.Info info = handle.info();
        boolean isServer = info.command()
                .map(c -> Path.of(c).getFileName().toString())
                .map(name -> name.equals("mariadbd") || name.equals("mysqld"))
                .orElse(false);
        boolean servesDataDir = info.arguments()
                .map(args -> Arrays.asList(args).contains("--datadir=" + dataDir))
                .orElse(false);
        return isServer && servesDataDir;
    }

    /**
     * Shuts the server down cleanly and waits for its process to exit, killing it if it does not.
     * Works from any JVM: it only needs the port and the PID. Calling it again does nothing.
     */
    public void stop() {
        if (!stopped.compareAndSet(false, true)) {
            return;
        }
        try {
            boolean asked = process.isAlive() && requestShutdown();
            if (!(asked && awaitExit(SHUTDOWN_WAIT))) {
                process.destroy(); // SIGTERM: mariadbd shuts down cleanly on it too
                if (!awaitExit(KILL_WAIT)) {
                    process.destroyForcibly();
                    awaitExit(KILL_WAIT);
                }
            }
            if (process.isAlive()) {
                throw new SandboxException("MariaDB sandbox server (pid " + pid() + ") did not exit");
            }
            deletePropertiesIfOurs();
            log.debug("Sandbox MariaDB in {} stopped", layout.dir());
        } finally {
            removeShutdownHook();
        }
    }

    /** Stops this server when the JVM exits, in case nobody calls {@link #stop()}. */
    public synchronized SandboxServer registerShutdownHook() {
        if (shutdownHook == null && !stopped.get()) {
            shutdownHook = new Thread(this::stopQuietly, "osc-sandbox-stop-" + pid());
            Runtime.getRuntime().addShutdownHook(shutdownHook);
        }
        return this;
    }

    public boolean isRunning() {
        return process.isAlive();
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    public Path dir() {
        return layout.dir();
    }

    public Path errorLog() {
        return layout.errorLog();
    }

    /** A Connector/J URL for root; root has no password in a sandbox, so the URL holds none. */
    public String jdbcUrl() {
        return RootConnections.url(port);
    }

    /** How to connect, one command per line. */
    public String connectHint() {
        return "mariadb -h127.0.0.1 -P" + port + " -uroot\n"
                + "osc run --host 127.0.0.1 --port " + port + " --user root ...";
    }

    @Override
    public String toString() {
        return "SandboxServer[dir=" + layout.dir() + ", port=" + port + ", pid=" + pid() + "]";
    }

    /** True if the server accepted SHUTDOWN (it may drop the connection while answering). */
    private boolean requestShutdown() {
        Connection connection;
        try {
            connection = RootConnections.open(port, Duration.ofSeconds(5), Duration.ofSeconds(30));
        } catch (SQLException e) {
            return false;
        }
        try (connection; Statement st = connection.createStatement()) {
            st.execute("SHUTDOWN");
        } catch (SQLException e) {
            // the server closing the connection during SHUTDOWN is expected
        }
        return true;
    }

    private boolean awaitExit(Duration timeout) {
        try {
            process.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            return !process.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }

    private void deletePropertiesIfOurs() {
        boolean ours = SandboxProperties.read(layout.properties()).map(p -> p.pid() == pid()).orElse(false);
        if (ours) {
            try {
                Files.deleteIfExists(layout.properties());
            } catch (IOException e) {
                throw new SandboxException("Cannot delete " + layout.properties() + ": " + e.getMessage(), e);
            }
        }
    }

    private void stopQuietly() {
        try {
            stop();
        } catch (RuntimeException e) {
            log.warn("Could not stop the sandbox MariaDB in {}: {}", layout.dir(), e.getMessage());
        }
    }

    private synchronized void removeShutdownHook() {
        if (shutdownHook == null || shutdownHook == Thread.currentThread()) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down; the hook finds the server stopped
        }
        shutdownHook = null;
    }
}
