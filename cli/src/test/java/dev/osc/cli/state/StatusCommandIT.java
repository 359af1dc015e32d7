package dev.osc.cli.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.osc.engine.db.BinlogPosition;
import dev.osc.engine.state.Outcome;
import dev.osc.engine.state.StateSchema;
import dev.osc.engine.state.StateStore;
import dev.osc.testing.TestServer;
import dev.osc.testing.TestServerExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code osc status} over migrations recorded in every outcome, one of them a real {@code osc run --execute}. */
@ExtendWith(TestServerExtension.class)
class StatusCommandIT {
    private static final int ROWS = 200;
    private static final List<String> FIELDS = List.of("id", "database", "table", "alter", "method", "phase", "outcome",
            "stale", "status", "owner", "progressPercent", "rowsCopied", "rowsTotal", "changesApplied", "rowsPerSecond",
            "etaSeconds", "binlogLagSeconds", "throttleReason", "startedAt", "updatedAt", "finishedAt", "cutoverAt",
            "revertUntil", "revertWindowOpen", "oldTable", "shadowTable", "error");

    private final TestServer server;
    private final StateSchema schema = Cli.freshSchema("osc_status");
    @TempDir
    Path tmp;
    private Cli cli;

    StatusCommandIT(TestServer server) {
        this.server = server;
    }

    @BeforeEach
    void setUp() {
        cli = new Cli(server, tmp);
    }

    /** The ids of the recorded migrations, by what they stand for. */
    private final Map<String, Long> ids = new HashMap<>();

    /** A real run on a table of its own, then rows in every outcome; the live one is returned, still running. */
    private LiveRow record(String db) throws Exception {
        server.exec(db, "CREATE TABLE t (id INT NOT NULL PRIMARY KEY, a VARCHAR(20))");
        StringBuilder values = new StringBuilder();
        for (int i = 1; i <= ROWS; i++) {
            values.append(i == 1 ? "" : ",").append("(").append(i).append(", 'r").append(i).append("')");
        }
        server.exec(db, "INSERT INTO t VALUES " + values);
        Cli.Outcome run = cli.osc(cli.args("run", "--database", db, "--table", "t", "--alter", "ADD COLUMN note INT",
                "--method", "copy", "--execute", "--json", "--state-schema", schema.name()));
        assertEquals(0, run.code(), run.toString());

        try (StateStore store = new StateStore(cli.config(), schema)) {
            ids.put("real", store.latest(db, "t").orElseThrow().id());
            try (LiveRow r = new LiveRow(cli.config(), schema, "shop", "reverted", LiveRow.copying(50, 50, 10, ""))) {
                store.cutOver(r.id(), Duration.ofMinutes(30), new BinlogPosition("binlog.000007", 4242));
                r.finish(Outcome.SUCCEEDED, null);
                ids.put("open", r.id());
            }
            try (LiveRow r = new LiveRow(cli.config(), schema, "shop", "closed", LiveRow.copying(50, 50, 10, ""))) {
                store.cutOver(r.id(), Duration.ofSeconds(-60), new BinlogPosition("binlog.000007", 4343));
                r.finish(Outcome.SUCCEEDED, null);
                ids.put("closed", r.id());
            }
            try (LiveRow r = new LiveRow(cli.config(), schema, "shop", "broken", LiveRow.copying(30, 100, 10, ""))) {
                r.finish(Outcome.FAILED, "the migration failed: Duplicate entry 'x' for key 'uk'; the original table is intact");
                ids.put("failed", r.id());
            }
            try (LiveRow r = new LiveRow(cli.config(), schema, "shop", "stopped", LiveRow.copying(30, 100, 10, ""))) {
                r.finish(Outcome.ABORTED, "aborted by an operator (osc abort)");
                ids.put("aborted", r.id());
            }
            try (LiveRow r = new LiveRow(cli.config(), schema, "shop", "dead", LiveRow.copying(25, 100, 10, ""))) {
                ids.put("stale", r.id());
            }
            cli.silence(schema, ids.get("stale"), 90);
        }
        LiveRow live = new LiveRow(cli.config(), schema, "shop", "orders",
                LiveRow.copying(250, 1000, 50, "replica lag 3.2s on db2:3306 > 1s"));
        ids.put("live", live.id());
        return live;
    }

    @Test
    void textListsNewestFirstWithOutcomesProgressWindowsAndDetails() throws Exception {
        String db = server.createDatabase("status_text");
        try (LiveRow live = record(db)) {
            Cli.Outcome r = cli.osc(cli.args("status", "--state-schema", schema.name()));
            assertEquals(0, r.code(), r.toString());
            List<String> lines = r.out().lines().toList();
            assertTrue(lines.get(0).startsWith("ID") && lines.get(0).contains("REVERTIBLE UNTIL"), r.toString());
            List<Long> order = lines.subList(1, 8).stream().map(l -> Long.parseLong(l.split(" ")[0])).toList();
            assertEquals(List.of(ids.get("live"), ids.get("stale"), ids.get("aborted"), ids.get("failed"), ids.get("closed"),
                    ids.get("open"), ids.get("real")), order, r.toString());

            assertTrue(row(lines, "live").contains("shop.orders") && row(lines, "live").contains("running")
                    && row(lines, "live").contains("25.0% 250/1000"), r.toString());
            assertTrue(row(lines, "stale").contains("stale: process ") && row(lines, "stale").contains(" silent since "),
                    r.toString());
            assertTrue(row(lines, "open").endsWith("(open)"), r.toString());
            assertTrue(row(lines, "closed").endsWith("(closed)"), r.toString());
            assertTrue(row(lines, "failed").contains("failed"), r.toString());
            assertTrue(row(lines, "real").contains(db + ".t") && row(lines, "real").contains("succeeded")
                    && row(lines, "real").contains("100.0% " + ROWS + "/" + ROWS), r.toString());

            // details: the running one's rate, ETA (750 rows left at 50/s) and throttle; the errors
            assertTrue(r.out().contains("migration " + ids.get("live") + " on shop.orders: running"), r.toString());
            assertTrue(r.out().contains("rate:     50 rows/s, ETA 15s, binlog lag 0.5s"), r.toString());
            assertTrue(r.out().contains("throttled: replica lag 3.2s on db2:3306 > 1s"), r.toString());
            assertTrue(r.out().contains("migration " + ids.get("failed") + " on shop.broken failed: the migration failed:"
                    + " Duplicate entry"), r.toString());
            assertTrue(r.out().contains("migration " + ids.get("aborted") + " on shop.stopped aborted: aborted by an operator"),
                    r.toString());

            Cli.Outcome one = cli.osc(cli.args("status", "--state-schema", schema.name(), "--database", db, "--table", "t"));
            assertEquals(0, one.code(), one.toString());
            assertEquals(2, one.out().lines().filter(l -> !l.isBlank()).count(), "the header and the one run: " + one);
            Cli.Outcome two = cli.osc(cli.args("status", "--state-schema", schema.name(), "--limit", "2"));
            assertTrue(two.out().lines().skip(1).limit(2).allMatch(l -> l.startsWith(ids.get("live") + " ")
                    || l.startsWith(ids.get("stale") + " ")), two.toString());
            assertFalse(two.out().contains("shop.stopped"), two.toString());
        }
    }

    private String row(List<String> lines, String which) {
        return lines.stream().filter(l -> l.startsWith(ids.get(which) + " ")).findFirst()
                .orElseThrow(() -> new AssertionError("no row for " + which + ":\n" + String.join("\n", lines)));
    }

    @Test
    void jsonHasEveryFieldWithUtcTimes() throws Exception {
        String db = server.createDatabase("status_json");
        try (LiveRow live = record(db)) {
            Cli.Outcome r = cli.osc(cli.args("status", "--state-schema", schema.name(), "--format", "json"));
            assertEquals(0, r.code(), r.toString());
            JsonNode doc = new ObjectMapper().readTree(r.out());
            assertEquals(schema.name(), doc.get("stateSchema").asText());
            Instant serverTime = Instant.parse(doc.get("serverTime").asText());
            JsonNode list = doc.get("migrations");
            assertEquals(7, list.size(), r.out());
            Map<Long, JsonNode> byId = new HashMap<>();
            for (JsonNode m : list) {
                for (String field : FIELDS) {
                    assertTrue(m.has(field), field + " missing in " + m);
                }
                byId.put(m.get("id").asLong(), m);
            }

            JsonNode running = byId.get(ids.get("live"));
            assertEquals("running", running.get("status").asText());
            assertEquals("copy", running.get("phase").asText());
            assertEquals(25.0, running.get("progressPercent").asDouble());
            assertEquals(15, running.get("etaSeconds").asLong());
            assertEquals("replica lag 3.2s on db2:3306 > 1s", running.get("throttleReason").asText());
            assertTrue(running.get("finishedAt").isNull());
            assertTrue(Instant.parse(running.get("startedAt").asText()).isBefore(serverTime.plusSeconds(1)));

            JsonNode stale = byId.get(ids.get("stale"));
            assertEquals("running", stale.get("outcome").asText());
            assertTrue(stale.get("stale").asBoolean());
            assertEquals("stale", stale.get("status").asText());
            assertTrue(stale.get("etaSeconds").isNull(), "a dead run has no ETA");
            assertTrue(Instant.parse(stale.get("updatedAt").asText()).isBefore(serverTime.minusSeconds(60)));

            JsonNode open = byId.get(ids.get("open"));
            assertTrue(open.get("revertWindowOpen").asBoolean(), open.toString());
            Instant cut = Instant.parse(open.get("cutoverAt").asText());
            assertEquals(Duration.ofMinutes(30), Duration.between(cut, Instant.parse(open.get("revertUntil").asText())));
            assertFalse(byId.get(ids.get("closed")).get("revertWindowOpen").asBoolean());

            assertEquals("failed", byId.get(ids.get("failed")).get("status").asText());
            assertTrue(byId.get(ids.get("failed")).get("error").asText().contains("Duplicate entry"));
            assertEquals("aborted", byId.get(ids.get("aborted")).get("outcome").asText());

            JsonNode real = byId.get(ids.get("real"));
            assertEquals(db, real.get("database").asText());
            assertEquals("succeeded", real.get("outcome").asText());
            assertEquals("copy", real.get("method").asText());
            assertEquals(ROWS, real.get("rowsCopied").asLong());
            assertEquals("t_osc_new", real.get("shadowTable").asText());
            assertTrue(real.get("oldTable").asText().startsWith("t_osc_old_"), real.toString());
        }
    }

    @Test
    void noStateSchemaMeansNoMigrationsAndCreatesNothing() throws Exception {
        StateSchema none = Cli.freshSchema("osc_none");
        Cli.Outcome text = cli.osc(cli.args("status", "--state-schema", none.name()));
        assertEquals(0, text.code(), text.toString());
        assertTrue(text.out().startsWith("no migrations recorded"), text.toString());
        Cli.Outcome json = cli.osc(cli.args("status", "--state-schema", none.name(), "--format", "json"));
        assertEquals(0, json.code(), json.toString());
        assertEquals(0, new ObjectMapper().readTree(json.out()).get("migrations").size(), json.toString());
        assertFalse(cli.schemaExists(none.name()), "status only reads");
    }

    @Test
    void badInputExitsTwoAndAnUnreachableServerThree() throws Exception {
        for (String[] bad : List.of(new String[]{"--table", "t"}, new String[]{"--limit", "0"},
                new String[]{"--format", "xml"}, new String[]{"--state-schema", "mysql"})) {
            Cli.Outcome r = cli.osc(cli.args("status", bad));
            assertEquals(2, r.code(), String.join(" ", bad) + "\n" + r);
            assertTrue(r.err().contains(bad[0]), r.toString());
        }
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Cli.Outcome r = cli.osc(List.of("status", "--host", "127.0.0.1", "--port", String.valueOf(port), "--user", "nobody"));
        assertEquals(3, r.code(), r.toString());
        assertTrue(r.err().contains(String.valueOf(port)), r.toString());
    }
}
