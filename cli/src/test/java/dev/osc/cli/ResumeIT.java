package dev.osc.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.osc.engine.MigrationFixture;
import dev.osc.engine.Writers;
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
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real osc process killed with SIGKILL (no shutdown hook, no cleanup) during the copy and after
 * it, then the same command run again: it resumes from the checkpoint rather than from zero, and
 * the table ends up equal to a control table that writers changed in the same transactions all
 * along, through the crash and the resume.
 */
@ExtendWith(TestServerExtension.class)
class ResumeIT {
    private static final int ROWS = 300_000;
    private static final String ALTER = "ADD COLUMN note VARCHAR(20) NOT NULL DEFAULT 'n', MODIFY qty BIGINT";
    private final TestServer server;
    @TempDir
    Path tmp;
    private final List<Process> processes = new ArrayList<>();

    ResumeIT(TestServer server) {
        this.server = server;
    }

    @AfterEach
    void killLeftovers() {
        processes.forEach(Process::destroyForcibly);
    }

    private String table(String prefix) throws SQLException {
        String db = server.createDatabase(prefix);
        server.exec(db, "CREATE TABLE t (id BIGINT NOT NULL PRIMARY KEY, qty INT, label VARCHAR(30))");
        try (Connection c = server.connect(db)) {
            MigrationFixture.fill(c, "INSERT INTO t VALUES (?, ?, ?)", ROWS, i -> new Object[] {(long) i * 2, i % 100, "l-" + i});
        }
        server.exec(db, "CREATE TABLE control LIKE t", "INSERT INTO control SELECT * FROM t");
        return db;
    }

    /** Inserts, updates (primary keys too) and deletes on both tables, with rollbacks. */
    private Writers writers(String db) {
        AtomicLong nextId = new AtomicLong(ROWS * 2L + 1);
        return Writers.start(server, db, 3, 11, null, (c, random, tables) -> {
            long id = 2L * (1 + random.nextInt(ROWS));
            int op = random.nextInt(4);
            long newId = nextId.getAndIncrement();
            int qty = random.nextInt(1000);
            for (String t : tables) {
                switch (op) {
                    case 0 -> Writers.exec(c, "INSERT INTO " + t + " (id, qty, label) VALUES (?, ?, 'ins')", newId, qty);
                    case 1 -> Writers.exec(c, "UPDATE " + t + " SET qty = ?, label = 'upd' WHERE id = ?", qty, id);
                    case 2 -> Writers.exec(c, "UPDATE " + t + " SET id = ? WHERE id = ?", newId, id);
                    default -> Writers.exec(c, "DELETE FROM " + t + " WHERE id = ?", id);
                }
            }
        });
    }

    private List<String> args(String db, String state, String... more) throws IOException {
        Path pw = Files.writeString(Files.createTempFile(tmp, "pw", ".txt"), server.password() + "\n");
        List<String> a = new ArrayList<>(List.of("run", "--host", server.host(), "--port", String.valueOf(server.port()),
                "--user", server.user(), "--password-file", pw.toString(), "--database", db, "--table", "t",
                "--state-schema", state, "--alter", ALTER, "--execute", "--method", "copy", "--json",
                "--threads", "2", "--chunk-time", "20ms", "--checkpoint-interval", "300ms", "--accept", "NOT_REVERSIBLE"));
        a.addAll(List.of(more));
        return a;
    }

    private Process start(List<String> args, String name) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), OscCommand.class.getName()));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectOutput(tmp.resolve(name + ".out").toFile())
                .redirectError(tmp.resolve(name + ".err").toFile()).start();
        processes.add(p);
        return p;
    }

    private List<JsonNode> events(String name) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> out = new ArrayList<>();
        String text = Files.readString(tmp.resolve(name + ".out"));
        for (String line : text.substring(0, text.lastIndexOf('\n') + 1).split("\n")) {
            if (!line.isBlank()) {
                out.add(json.readTree(line));
            }
        }
        return out;
    }

    private String output(String name) throws IOException {
        return Files.readString(tmp.resolve(name + ".out")) + "\n--- stderr ---\n" + Files.readString(tmp.resolve(name + ".err"));
    }

    /** The state row of the run that is running now (phase, checkpoint JSON). */
    private JsonNode awaitRow(Process run, String name, String state, String db, Predicate<JsonNode> match, int seconds)
            throws Exception {
        ObjectMapper json = new ObjectMapper();
        long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        String last = "no row";
        while (System.nanoTime() < deadline) {
            if (!run.isAlive()) {
                throw new AssertionError("osc run ended (exit " + run.exitValue() + ") before the state row showed what"
                        + " the test waits for; last row: " + last + "\n" + output(name));
            }
            try (Connection c = server.connect(null);
                 PreparedStatement ps = c.prepareStatement("SELECT phase, checkpoint FROM `" + state + "`.migrations"
                         + " WHERE database_name = ? AND outcome = 'running' ORDER BY id DESC LIMIT 1")) {
                ps.setString(1, db);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        var row = json.createObjectNode();
                        row.put("phase", rs.getString(1));
                        String cp = rs.getString(2);
                        row.set("checkpoint", cp == null ? json.nullNode() : json.readTree(cp));
                        last = row.toString();
                        if (match.test(row)) {
                            return row;
                        }
                    }
                }
            } catch (SQLException notYet) {
                // the state schema is created by the run
            }
            Thread.sleep(20);
        }
        throw new AssertionError("waited " + seconds + " s for the state row; last: " + last + "\n" + output(name));
    }

    private void awaitEvent(Process run, String name, Predicate<JsonNode> match, int seconds) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        while (System.nanoTime() < deadline) {
            boolean ended = !run.isAlive();
            if (events(name).stream().anyMatch(match)) {
                return;
            }
            if (ended) {
                throw new AssertionError("osc run ended (exit " + run.exitValue() + ")\n" + output(name));
            }
            Thread.sleep(20);
        }
        throw new AssertionError("waited " + seconds + " s for an event\n" + output(name));
    }

    private void assertMatchesControl(String db) throws SQLException {
        server.exec(db, "ALTER TABLE control " + ALTER);
        try (Connection c = server.connect(db)) {
            assertEquals(MigrationFixture.schema(c, db, "control"), MigrationFixture.schema(c, db, "t"));
            List<String> expected = MigrationFixture.rows(c, db, "control");
            List<String> actual = MigrationFixture.rows(c, db, "t");
            assertTrue(expected.equals(actual), () -> MigrationFixture.difference(expected, actual));
        }
    }

    private List<String> tables(String db) throws SQLException {
        try (Connection c = server.connect(db)) {
            return MigrationFixture.tables(c, db);
        }
    }

    @Test
    void killedDuringTheCopyResumesFromItsCheckpoint() throws Exception {
        String db = table("resume_copy");
        String state = "osc_st_" + db;
        try (Writers w = writers(db)) {
            w.awaitCommits(20);
            Process first = start(args(db, state), "first");
            JsonNode row = awaitRow(first, "first", state, db, r -> r.path("checkpoint").path("rowsCopied").asLong() > 0
                    && !r.path("checkpoint").path("copyDone").asBoolean(), 120);
            first.destroyForcibly();
            assertTrue(first.waitFor(30, TimeUnit.SECONDS));
            assertTrue(tables(db).contains("t_osc_new"), "SIGKILL leaves the shadow table: " + tables(db));
            w.awaitCommits(50);

            Process second = start(args(db, state), "second");
            assertTrue(second.waitFor(180, TimeUnit.SECONDS), output("second"));
            assertEquals(0, second.exitValue(), output("second"));
            w.awaitCommits(50);
            List<JsonNode> events = events("second");
            JsonNode resumed = events.stream().filter(e -> e.path("message").asText().startsWith("resuming migration"))
                    .findFirst().orElseThrow(() -> new AssertionError("no resume notice:\n" + events));
            long skipped = Long.parseLong(resumed.get("message").asText().replaceAll(".*about (\\d+) rows already copied.*", "$1"));
            assertTrue(skipped >= row.path("checkpoint").path("rowsCopied").asLong() && skipped < ROWS, resumed.toString());
            assertEquals("done", events.get(events.size() - 1).path("status").asText(), output("second"));
        }
        assertMatchesControl(db);
        assertFalse(tables(db).contains("t_osc_new"));
        try (Connection c = server.connect(null);
             ResultSet rs = c.createStatement().executeQuery("SELECT outcome, error FROM `" + state + "`.migrations ORDER BY id")) {
            assertTrue(rs.next());
            assertEquals("failed", rs.getString(1));
            assertTrue(rs.getString(2).contains("resumed it from its checkpoint"), rs.getString(2));
            assertTrue(rs.next());
            assertEquals("succeeded", rs.getString(1));
        }
    }

    @Test
    void killedAfterTheCopyResumesWithoutCopyingAgain() throws Exception {
        String db = table("resume_sync");
        String state = "osc_st_" + db;
        try (Writers w = writers(db)) {
            w.awaitCommits(20);
            Process first = start(args(db, state, "--postpone-cutover"), "first");
            awaitRow(first, "first", state, db, r -> r.path("phase").asText().equals("waiting-for-cutover")
                    && r.path("checkpoint").path("copyDone").asBoolean(), 180);
            w.awaitCommits(50);
            first.destroyForcibly();
            assertTrue(first.waitFor(30, TimeUnit.SECONDS));
            w.awaitCommits(50);

            Process second = start(args(db, state, "--postpone-cutover"), "second");
            awaitEvent(second, "second", e -> e.path("phase").asText().equals("waiting-for-cutover"), 180);
            List<JsonNode> events = events("second");
            assertTrue(events.stream().anyMatch(e -> e.path("message").asText().contains("the copy was complete")),
                    output("second"));
            assertFalse(events.stream().anyMatch(e -> e.path("phase").asText().equals("copy")),
                    "the resumed run copied again: " + output("second"));
            w.awaitCommits(50);
            Path pw = Files.writeString(Files.createTempFile(tmp, "pw", ".txt"), server.password() + "\n");
            assertEquals(0, OscCommand.execute("cutover", "--host", server.host(), "--port", String.valueOf(server.port()),
                    "--user", server.user(), "--password-file", pw.toString(), "--database", db, "--table", "t",
                    "--state-schema", state));
            assertTrue(second.waitFor(120, TimeUnit.SECONDS), output("second"));
            assertEquals(0, second.exitValue(), output("second"));
            w.awaitCommits(50);
        }
        assertMatchesControl(db);
    }

    @Test
    void aShadowTableChangedSinceTheCrashIsDroppedAndTheRunStartsOver() throws Exception {
        String db = table("resume_redo");
        String state = "osc_st_" + db;
        try (Writers w = writers(db)) {
            w.awaitCommits(20);
            Process first = start(args(db, state), "first");
            awaitRow(first, "first", state, db, r -> r.path("checkpoint").path("rowsCopied").asLong() > 0, 120);
            first.destroyForcibly();
            assertTrue(first.waitFor(30, TimeUnit.SECONDS));
            server.exec(db, "ALTER TABLE t_osc_new ADD COLUMN stray INT");

            Process second = start(args(db, state), "second");
            assertTrue(second.waitFor(180, TimeUnit.SECONDS), output("second"));
            assertEquals(0, second.exitValue(), output("second"));
            assertTrue(output("second").contains("cannot be resumed (the definition of t_osc_new changed since)"),
                    output("second"));
            w.awaitCommits(50);
        }
        assertMatchesControl(db);
    }
}
