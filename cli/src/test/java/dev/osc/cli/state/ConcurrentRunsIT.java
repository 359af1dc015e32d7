package dev.osc.cli.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.osc.cli.OscCommand;
import dev.osc.engine.state.StateSchema;
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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The deploy pattern of docs/deploying.md: the same {@code osc run --execute} started by every app
 * instance at once, as real processes. Exactly one migrates; the others wait for it and find the
 * change applied.
 */
@ExtendWith(TestServerExtension.class)
class ConcurrentRunsIT {
    private static final int ROWS = 20_000;
    private static final int INSTANCES = 3;

    private final TestServer server;
    private final StateSchema schema = Cli.freshSchema("osc_deploy");
    private final List<Process> started = new ArrayList<>();
    @TempDir
    Path tmp;

    ConcurrentRunsIT(TestServer server) {
        this.server = server;
    }

    @AfterEach
    void stopProcesses() {
        for (Process p : started) {
            p.destroyForcibly();
        }
    }

    /** An osc run in its own JVM; stdout and stderr go to files, which a process that exits never truncates. */
    private record Run(Process process, Path out, Path err) {
        /** The JSON events it printed. */
        List<JsonNode> events() throws IOException {
            ObjectMapper mapper = new ObjectMapper();
            List<JsonNode> events = new ArrayList<>();
            for (String line : Files.readAllLines(out)) {
                if (!line.isBlank()) {
                    events.add(mapper.readTree(line));
                }
            }
            return events;
        }

        JsonNode result() throws IOException {
            return events().stream().filter(e -> e.path("event").asText().equals("result")).findFirst()
                    .orElseThrow(() -> new AssertionError("no result event: " + describe()));
        }

        String describe() {
            try {
                return "stdout:\n" + Files.readString(out) + "\nstderr:\n" + Files.readString(err);
            } catch (IOException e) {
                return e.toString();
            }
        }
    }

    private Run start(String db, Path password, int n) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), OscCommand.class.getName(),
                "run", "--host", server.host(), "--port", String.valueOf(server.port()), "--user", server.user(),
                "--password-file", password.toString(), "--database", db, "--table", "t",
                "--alter", "ADD COLUMN note VARCHAR(20) NOT NULL DEFAULT 'n'", "--method", "copy", "--execute", "--json",
                "--state-schema", schema.name()));
        Path out = tmp.resolve("run" + n + ".out");
        Path err = tmp.resolve("run" + n + ".err");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        started.add(p);
        return new Run(p, out, err);
    }

    private String table() throws SQLException {
        String db = server.createDatabase("deploy");
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
        return db;
    }

    private long columnCount(String db, String column) throws SQLException {
        try (Connection c = server.connect(null); PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM"
                + " information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = 't' AND COLUMN_NAME = ?")) {
            ps.setString(1, db);
            ps.setString(2, column);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @Test
    void threeInstancesAtOnceMigrateOnceAndTheOthersFindItApplied() throws Exception {
        String db = table();
        Path password = Files.writeString(tmp.resolve("pw"), server.password() + "\n");
        List<Run> runs = new ArrayList<>();
        for (int i = 0; i < INSTANCES; i++) {
            runs.add(start(db, password, i));
        }
        for (Run r : runs) {
            assertTrue(r.process().waitFor(5, TimeUnit.MINUTES), "osc run did not end: " + r.describe());
            assertEquals(0, r.process().exitValue(), r.describe());
        }

        List<String> statuses = new ArrayList<>();
        for (Run r : runs) {
            JsonNode result = r.result();
            statuses.add(result.get("status").asText());
            if (result.get("status").asText().equals("done")) {
                assertEquals(ROWS, result.get("rowsCopied").asLong(), r.describe());
            } else {
                assertEquals(0, result.get("rowsCopied").asLong(), r.describe());
            }
        }
        assertEquals(1, statuses.stream().filter("done"::equals).count(), statuses.toString());
        assertEquals(INSTANCES - 1, statuses.stream().filter("already-applied"::equals).count(), statuses.toString());

        Cli cli = new Cli(server, tmp);
        List<String> tables = cli.tables(db);
        assertEquals(1, tables.stream().filter(t -> t.startsWith("t_osc_old_")).count(), tables.toString());
        assertEquals(2, tables.size(), "t and its one old table, no shadow left: " + tables);
        assertEquals(1, columnCount(db, "note"));
        try (Connection c = server.connect(db); ResultSet rs = c.createStatement().executeQuery(
                "SELECT COUNT(*) FROM t WHERE note = 'n' AND a = CONCAT('row-', id)")) {
            rs.next();
            assertEquals(ROWS, rs.getLong(1));
        }

        Cli.Outcome wait = cli.osc(cli.args("wait", "--database", db, "--table", "t", "--state-schema", schema.name(),
                "--timeout", "30s"));
        assertEquals(0, wait.code(), wait.toString());
        assertTrue(wait.out().contains("succeeded"), wait.toString());
    }
}
