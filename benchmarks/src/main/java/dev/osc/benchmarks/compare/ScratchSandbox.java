package dev.osc.benchmarks.compare;

import dev.osc.engine.sandbox.SandboxServer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A sandbox MariaDB in a temporary directory with the comparison's server settings, for a
 * benchmark command: closing it stops the server and removes the directory.
 */
public final class ScratchSandbox implements AutoCloseable {
    private final String command;
    private final Path dir;
    private final SandboxServer server;

    private ScratchSandbox(String command, Path dir, SandboxServer server) {
        this.command = command;
        this.dir = dir;
        this.server = server;
    }

    /** Starts it; {@code extraOptions} come after {@link CompareCommand#SERVER_SETTINGS}. */
    public static ScratchSandbox start(String command, List<String> extraOptions) throws IOException {
        Path dir = Files.createTempDirectory("osc-" + command);
        try {
            return new ScratchSandbox(command, dir,
                    SandboxServer.start(dir.resolve("server"), 0, port -> CompareCommand.serverSettings(extraOptions)));
        } catch (RuntimeException e) {
            remove(command, dir);
            throw e;
        }
    }

    public SandboxServer server() {
        return server;
    }

    @Override
    public void close() {
        try {
            server.stop();
        } finally {
            remove(command, dir);
        }
    }

    private static void remove(String command, Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            System.err.println(command + ": could not remove " + dir + ": " + e.getMessage());
        }
    }
}
