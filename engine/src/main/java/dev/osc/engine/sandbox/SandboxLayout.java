package dev.osc.engine.sandbox;

import java.nio.file.Path;

/** Where a sandbox keeps its files: everything lives under one directory so that it can be found and removed. */
final class SandboxLayout {
    /** Unix socket paths are limited to about 108 bytes; stay well below. */
    private static final int MAX_SOCKET_PATH = 100;

    private final Path dir;

    SandboxLayout(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
    }

    Path dir() {
        return dir;
    }

    Path dataDir() {
        return dir.resolve("data");
    }

    /** Where mariadb-install-db writes before the result is moved to {@link #dataDir()}. */
    Path partialDataDir() {
        return dir.resolve("data.partial");
    }

    Path binlogBase() {
        return dir.resolve("binlog");
    }

    Path pidFile() {
        return dir.resolve("mariadbd.pid");
    }

    Path errorLog() {
        return dir.resolve("mariadbd.err");
    }

    /** The server's own stdout/stderr: it must never go to the terminal or the test output. */
    Path consoleLog() {
        return dir.resolve("mariadbd.out");
    }

    Path installLog() {
        return dir.resolve("install-db.log");
    }

    Path properties() {
        return dir.resolve("sandbox.properties");
    }

    /** The server's own temporary directory (created before the server starts). */
    Path tmpDir() {
        return dir.resolve("tmp");
    }

    /** The socket file; falls back to the temp directory when the sandbox directory is too deep for a socket path. */
    Path socket() {
        Path socket = dir.resolve("mysql.sock");
        if (socket.toString().length() <= MAX_SOCKET_PATH) {
            return socket;
        }
        String name = "osc-sandbox-" + Integer.toHexString(dir.toString().hashCode()) + ".sock";
        return Path.of(System.getProperty("java.io.tmpdir")).resolve(name).toAbsolutePath();
    }
}
