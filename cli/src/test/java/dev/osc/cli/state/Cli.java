package dev.osc.cli.state;

import dev.osc.cli.OscCommand;
import dev.osc.engine.ConnectionConfig;
import dev.osc.engine.state.StateSchema;
import dev.osc.testing.TestServer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs osc commands in this JVM against the test server, with what they print captured. One
 * command at a time: it swaps System.out and System.err while the command runs.
 */
final class Cli {
    private static final AtomicInteger COUNTER = new AtomicInteger();

    /** What one command printed, and its exit code. */
    record Outcome(int code, String out, String err) {
        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout ---\n" + out + "\n--- stderr ---\n" + err;
        }
    }

    private final TestServer server;
    private final Path tmp;
    /** What the running command has printed so far; readable from other threads while it runs. */
    private volatile ByteArrayOutputStream liveOut = new ByteArrayOutputStream();

    Cli(TestServer server, Path tmp) {
        this.server = server;
        this.tmp = tmp;
    }

    /** A state schema name no other test uses; nothing is created. */
    static StateSchema freshSchema(String prefix) {
        return new StateSchema(prefix + "_" + COUNTER.incrementAndGet() + "_"
                + Long.toString(ThreadLocalRandom.current().nextLong(1L << 30, 1L << 40), 36));
    }

    ConnectionConfig config() {
        return new ConnectionConfig(server.host(), server.port(), server.user(), server.password());
    }

    /** {@code command} with the options that connect to the test server, then {@code more}. */
    List<String> args(String command, String... more) throws IOException {
        Path pw = Files.createTempFile(tmp, "pw", ".txt");
        Files.writeString(pw, server.password() + "\n", StandardCharsets.UTF_8);
        List<String> args = new ArrayList<>(List.of(command, "--host", server.host(), "--port", String.valueOf(server.port()),
                "--user", server.user(), "--password-file", pw.toString()));
        args.addAll(List.of(more));
        return args;
    }

    synchronized Outcome osc(List<String> args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream savedOut = System.out;
        PrintStream savedErr = System.err;
        liveOut = out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int code = OscCommand.execute(args.toArray(String[]::new));
            return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(savedOut);
            System.setErr(savedErr);
        }
    }

    /** Waits (up to a minute) until the command running in another thread has printed {@code text}. */
    void awaitOutput(String text) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!liveOut.toString(StandardCharsets.UTF_8).contains(text)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the command never printed '" + text + "'; it printed:\n"
                        + liveOut.toString(StandardCharsets.UTF_8));
            }
            Thread.sleep(20);
        }
    }

    /** The base tables of a database, in name order. */
    List<String> tables(String db) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = server.connect(null); PreparedStatement ps = c.prepareStatement("SELECT TABLE_NAME FROM"
                + " information_schema.TABLES WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME")) {
            ps.setString(1, db);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    boolean schemaExists(String name) throws SQLException {
        try (Connection c = server.connect(null); PreparedStatement ps = c.prepareStatement(
                "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1) > 0;
            }
        }
    }

    /** Makes a running migration look as if its owner died {@code seconds} ago. */
    void silence(StateSchema schema, long id, int seconds) throws SQLException {
        try (Connection c = server.connect(null); PreparedStatement ps = c.prepareStatement("UPDATE " + schema.migrations()
                + " SET updated_at = UTC_TIMESTAMP(6) - INTERVAL ? SECOND WHERE id = ?")) {
            ps.setInt(1, seconds);
            ps.setLong(2, id);
            ps.executeUpdate();
        }
    }
}
