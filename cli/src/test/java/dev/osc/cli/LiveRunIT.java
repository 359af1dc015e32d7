package dev.osc.cli;

import dev.osc.cli.Captured.Outcome;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.osc.cli.metrics.Scrape;
import dev.osc.testing.TestServer;
import dev.osc.testing.TestServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real {@code osc run} process, steered from outside it: control commands from this (another)
 * process through the state tables, its Prometheus endpoint scraped while it runs, its JSON lines
 * read as they come, and SIGTERM.
 */
@ExtendWith(TestServerExtension.class)
class LiveRunIT {
    private static final int ROWS = 20_000;
    private final TestServer server;
    @TempDir
    Path tmp;
    private final List<RunProcess> started = new ArrayList<>();

    LiveRunIT(TestServer server) {
        this.server = server;
    }

    @AfterEach
    void stopProcesses() {
        for (RunProcess p : started) {
            p.process.destroyForcibly();
        }
    }

    /**
     * An osc run in its own JVM. Its stdout and stderr go to files (a pipe read while the process
     * exits can lose the last lines); stdout is parsed as JSON events on each look.
     */
    final class RunProcess {
        final Process process;
        final Path out;
        final Path errFile;

        RunProcess(List<String> args) throws IOException {
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), OscCommand.class.getName()));
            cmd.addAll(args);
            out = Files.createTempFile(tmp, "run", ".out");
            errFile = Files.createTempFile(tmp, "run", ".err");
            process = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(errFile.toFile()).start();
            started.add(this);
        }

        /** Every complete line of stdout so far, parsed. */
        List<JsonNode> events() {
            ObjectMapper mapper = new ObjectMapper();
            List<JsonNode> events = new ArrayList<>();
            try {
                String text = Files.readString(out);
                int end = text.lastIndexOf('\n');
                for (String line : text.substring(0, end + 1).split("\n")) {
                    if (!line.isBlank()) {
                        events.add(mapper.readTree(line));
                    }
                }
            } catch (IOException e) {
                throw new AssertionError("stdout is not JSON lines: " + e.getMessage(), e);
            }
            return events;
        }

        String err() {
            try {
                return Files.readString(errFile);
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }

        JsonNode await(String what, int seconds, Predicate<JsonNode> match) throws InterruptedException {
            long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
            while (true) {
                boolean ended = !process.isAlive();
                for (JsonNode e : events()) {
                    if (match.test(e)) {
                        return e;
                    }
                }
                if (ended || System.nanoTime() > deadline) {
                    throw new AssertionError("waited for " + what + (ended ? " but osc run ended" : "") + "; " + this);
                }
                Thread.sleep(20);
            }
        }

        int exit(int seconds) throws InterruptedException {
            assertTrue(process.waitFor(seconds, TimeUnit.SECONDS), "osc run did not end; " + this);
            return process.exitValue();
        }

        @Override
        public String toString() {
            return "events:\n" + events() + "\nstderr:\n" + err();
        }
    }

    private static Predicate<JsonNode> event(String name, String field, String prefix) {
        return e -> e.path("event").asText().equals(name) && e.path(field).asText().startsWith(prefix);
    }

    /** A control command, run in this JVM: a process other than the migration's. */
    private Outcome osc(List<String> args) {
        return Captured.run(args);
    }

    private List<String> common(String command, String db, String stateSchema) throws IOException {
        Path pw = Files.writeString(Files.createTempFile(tmp, "pw", ".txt"), server.password() + "\n");
        return new ArrayList<>(List.of(command, "--host", server.host(), "--port", String.valueOf(server.port()),
                "--user", server.user(), "--password-file", pw.toString(), "--database", db, "--table", "t",
                "--state-schema", stateSchema));
    }

    private String table(String prefix) throws SQLException {
        String db = server.createDatabase(prefix);
        server.exec(db, "CREATE TABLE t (id INT NOT NULL PRIMARY KEY, a VARCHAR(40), b INT)");
        try (Connection c = server.connect(db); PreparedStatement ps = c.prepareStatement("INSERT INTO t VALUES (?, ?, ?)")) {
            c.setAutoCommit(false);
            for (int i = 1; i <= ROWS; i++) {
                ps.setInt(1, i);
                ps.setString(2, "row-" + i);
                ps.setInt(3, i);
                ps.addBatch();
            }
            ps.executeBatch();
            c.commit();
        }
        // fresh statistics, so that the row estimate the run reports is not 0
        server.exec(db, "ANALYZE TABLE t");
        return db;
    }

    private List<String> tables(String db) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = server.connect(db); ResultSet rs = c.createStatement().executeQuery("SHOW TABLES")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    private RunProcess run(String db, String stateSchema, Path flag, String... more) throws IOException {
        List<String> args = common("run", db, stateSchema);
        args.addAll(List.of("--alter", "ADD COLUMN note VARCHAR(20) NOT NULL DEFAULT 'n'", "--execute", "--method", "copy",
                "--json", "--throttle-file", flag.toString(), "--chunk-time", "20ms"));
        args.addAll(List.of(more));
        return new RunProcess(args);
    }

    @Test
    void controlledFromAnotherProcessAndScrapedWhileItRuns() throws Exception {
        String db = table("live");
        String state = "osc_state_" + db;
        Path flag = Files.createFile(tmp.resolve("hold"));
        RunProcess run = run(db, state, flag, "--threads", "1", "--postpone-cutover", "--metrics-port", "0",
                "--metrics-address", "127.0.0.1");

        JsonNode metricsAt = run.await("the metrics address", 30, event("notice", "message", "metrics at"));
        int port = Integer.parseInt(metricsAt.get("message").asText().replaceAll(".*:(\\d+)/metrics$", "$1"));
        run.await("the flag file to throttle", 30, event("throttle", "reason", "flag file"));
        // the estimate reaches the metrics with the first progress report
        run.await("a progress report", 30, event("progress", "phase", "copy"));

        Scrape held = Scrape.get(port, "/metrics");
        assertEquals(1.0, held.require("osc_phase", "phase", "copy"), held.toString());
        assertEquals(1.0, held.require("osc_throttled"));
        assertEquals(0.0, held.require("osc_rows_copied_total"));
        assertTrue(held.require("osc_rows_estimated") > 0);

        Outcome pause = osc(common("pause", db, state));
        assertEquals(0, pause.code(), pause.toString());
        assertTrue(pause.out().contains("paused"), pause.toString());
        Outcome set = osc(add(common("set", db, state), "threads=3", "max-lag=5s", "max-threads-running=50"));
        assertEquals(0, set.code(), set.toString());
        assertTrue(set.out().contains("threads 1 -> 3") && set.out().contains("max-lag 1s -> 5s"), set.toString());

        Files.delete(flag);
        run.await("the flag to clear while the pause holds", 30,
                e -> e.path("event").asText().equals("throttle") && e.path("reason").asText().startsWith("paused"));
        Thread.sleep(500);
        assertEquals(0.0, Scrape.get(port, "/metrics").require("osc_rows_copied_total"), "copied while paused");

        Outcome resume = osc(common("resume", db, state));
        assertEquals(0, resume.code(), resume.toString());
        run.await("the copy to finish and the run to wait", 120, event("phase", "phase", "waiting-for-cutover"));

        Scrape waiting = Scrape.get(port, "/metrics");
        assertEquals(1.0, waiting.require("osc_phase", "phase", "waiting-for-cutover"), waiting.toString());
        assertEquals(ROWS, waiting.require("osc_rows_copied_total"));
        assertTrue(waiting.require("osc_chunk_duration_seconds_count") > 0);
        assertEquals(0.0, waiting.require("osc_throttled"));
        assertTrue(waiting.require("osc_control_requests_total", "command", "set") >= 3, waiting.toString());
        assertTrue(tables(db).contains("t_osc_new"));

        Outcome cutover = osc(common("cutover", db, state));
        assertEquals(0, cutover.code(), cutover.toString());
        assertEquals(0, run.exit(60), run.toString());
        JsonNode result = run.events().get(run.events().size() - 1);
        assertEquals("done", result.path("status").asText(), run.toString());
        assertTrue(run.events().stream().filter(e -> e.path("event").asText().equals("control")).count() >= 5,
                "the run reports each request it answered: " + run);
        assertTrue(tables(db).stream().anyMatch(t -> t.startsWith("t_osc_old_")), tables(db).toString());
        try (Connection c = server.connect(db);
             ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM t WHERE note = 'n' AND a = CONCAT('row-', id)")) {
            rs.next();
            assertEquals(ROWS, rs.getLong(1));
        }
    }

    private static List<String> add(List<String> args, String... more) {
        args.addAll(List.of(more));
        return args;
    }

    @Test
    void abortFromAnotherProcessDropsTheShadowTable() throws Exception {
        String db = table("abort");
        String state = "osc_state_" + db;
        Path flag = Files.createFile(tmp.resolve("hold"));
        RunProcess run = run(db, state, flag);
        run.await("the flag file to throttle", 30, event("throttle", "reason", "flag file"));
        assertTrue(tables(db).contains("t_osc_new"));

        Outcome abort = osc(common("abort", db, state));
        assertEquals(0, abort.code(), abort.toString());
        assertTrue(abort.out().contains("dropped its shadow table"), abort.toString());
        assertEquals(1, run.exit(60), run.toString());
        run.await("the failure event", 5, event("failed", "message", "aborted by an operator"));
        assertEquals(List.of("t"), tables(db));
    }

    @Test
    void sigtermStopsTheRunAndDropsTheShadowTable() throws Exception {
        String db = table("term");
        Path flag = Files.createFile(tmp.resolve("hold"));
        RunProcess run = run(db, "osc_state_" + db, flag);
        run.await("the flag file to throttle", 30, event("throttle", "reason", "flag file"));
        assertTrue(tables(db).contains("t_osc_new"));
        run.process.destroy();
        assertEquals(1, run.exit(60), run.toString());
        assertTrue(run.err().contains("the original table is intact"), run.toString());
        assertEquals(List.of("t"), tables(db));
    }
}
