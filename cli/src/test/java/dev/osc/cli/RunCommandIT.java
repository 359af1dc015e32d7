package dev.osc.cli;

import dev.osc.cli.Captured.Outcome;
import dev.osc.testing.TestServer;
import dev.osc.testing.TestServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The {@code osc} command line against a real server: exit codes, output, and what it changes. */
@ExtendWith(TestServerExtension.class)
class RunCommandIT {
    private static final int ROWS = 300;

    private final TestServer server;

    @TempDir
    Path tmp;

    RunCommandIT(TestServer server) {
        this.server = server;
    }

    private Outcome osc(String... args) {
        return Captured.run(args);
    }

    private Path passwordFile(String password) throws IOException {
        Path f = Files.createTempFile(tmp, "pw", ".txt");
        Files.writeString(f, password + "\n", StandardCharsets.UTF_8);
        return f;
    }

    /** {@code run} options connecting as the test server's own user. */
    private List<String> runArgs(String db, String table, String alter) throws IOException {
        return new ArrayList<>(List.of("run", "--host", server.host(), "--port", String.valueOf(server.port()),
                "--user", server.user(), "--password-file", passwordFile(server.password()).toString(),
                "--database", db, "--table", table, "--alter", alter));
    }

    private String tableDb(String prefix) throws SQLException {
        String db = server.createDatabase(prefix);
        server.exec(db, "CREATE TABLE t (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, a VARCHAR(20), b INT) ENGINE=InnoDB");
        try (Connection c = server.connect(db); PreparedStatement ps = c.prepareStatement("INSERT INTO t (a, b) VALUES (?, ?)")) {
            for (int i = 1; i <= ROWS; i++) {
                ps.setString(1, "row-" + i);
                ps.setInt(2, i);
                ps.addBatch();
            }
            ps.executeBatch();
        }
        return db;
    }

    private String showCreate(String db, String table) throws SQLException {
        try (Connection c = server.connect(db); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SHOW CREATE TABLE `" + table + "`")) {
            rs.next();
            return rs.getString(2);
        }
    }

    private long count(String db, String table) throws SQLException {
        try (Connection c = server.connect(db); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM `" + table + "`")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private List<String> tables(String db) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = server.connect(null); PreparedStatement ps = c.prepareStatement(
                "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME")) {
            ps.setString(1, db);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    private List<String> columns(String db, String table) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = server.connect(null); PreparedStatement ps = c.prepareStatement(
                "SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?"
                        + " ORDER BY ORDINAL_POSITION")) {
            ps.setString(1, db);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }

    private static String randomSuffix() {
        return Long.toString(ThreadLocalRandom.current().nextLong(1L << 30, 1L << 40), 36);
    }

    // ---- run ----

    @Test
    void runWithoutExecuteIsADryRun() throws Exception {
        String db = tableDb("cli_dry");
        String schema = showCreate(db, "t");
        List<String> tablesBefore = tables(db);

        List<String> args = runArgs(db, "t", "ADD COLUMN note VARCHAR(64), DROP COLUMN b");
        args.addAll(List.of("--method", "copy", "--accept", "NOT_REVERSIBLE"));
        Outcome r = osc(args.toArray(String[]::new));

        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("Dry run"), r.toString());
        assertTrue(r.out().contains("nothing was changed"), r.toString());
        assertTrue(r.out().contains("t_osc_new"), r.toString());
        assertTrue(r.out().contains("note: added"), r.toString());
        assertTrue(r.out().contains("b: dropped"), r.toString());
        assertTrue(r.out().contains("ADD COLUMN note VARCHAR(64), DROP COLUMN b"), r.toString());
        assertTrue(r.out().contains("--execute"), r.toString());
        assertEquals(schema, showCreate(db, "t"));
        assertEquals(ROWS, count(db, "t"));
        assertEquals(tablesBefore, tables(db));
        assertEquals(List.of("t"), tables(db));
    }

    @Test
    void runWithExecuteChangesTheTable() throws Exception {
        String db = tableDb("cli_exec");
        List<String> args = runArgs(db, "t", "ADD COLUMN note VARCHAR(64) NOT NULL DEFAULT 'n/a'");
        args.addAll(List.of("--execute", "--method", "copy"));

        Outcome r = osc(args.toArray(String[]::new));

        assertEquals(0, r.code(), r.toString());
        // without a terminal every line of stdout is one JSON event
        List<com.fasterxml.jackson.databind.JsonNode> events = jsonLines(r.out());
        List<String> phases = events.stream().filter(e -> e.get("event").asText().equals("phase"))
                .map(e -> e.get("phase").asText()).toList();
        assertEquals(List.of("preflight", "setup", "copy", "catch-up", "checksum", "cut-over", "done"), phases, r.toString());
        com.fasterxml.jackson.databind.JsonNode result = events.get(events.size() - 1);
        assertEquals("result", result.get("event").asText(), r.toString());
        assertEquals("done", result.get("status").asText(), r.toString());
        assertEquals(ROWS, result.get("rowsCopied").asLong(), r.toString());
        assertTrue(result.get("oldTable").asText().startsWith("t_osc_old_"), r.toString());
        events.forEach(e -> assertTrue(e.hasNonNull("time") && e.hasNonNull("elapsedSeconds"), e.toString()));
        assertEquals(List.of("id", "a", "b", "note"), columns(db, "t"));
        assertEquals(ROWS, count(db, "t"));
        try (Connection c = server.connect(db); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM t WHERE note = 'n/a' AND a = CONCAT('row-', id) AND b = id")) {
            rs.next();
            assertEquals(ROWS, rs.getLong(1), "rows were not carried over unchanged");
        }
        assertTrue(tables(db).stream().anyMatch(t -> t.startsWith("t_osc_old_")), tables(db).toString());
        assertFalse(tables(db).contains("t_osc_new"), tables(db).toString());
    }

    @Test
    void malformedAlterExitsTwo() throws Exception {
        String db = tableDb("cli_malformed");
        String schema = showCreate(db, "t");
        Outcome r = osc(runArgs(db, "t", "ADD COLUMN x INT INT (((").toArray(String[]::new));
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("--alter"), r.toString());
        assertEquals(schema, showCreate(db, "t"));
        assertEquals(List.of("t"), tables(db));
    }

    @Test
    void missingTableExitsTwo() throws Exception {
        String db = tableDb("cli_notable");
        Outcome r = osc(runArgs(db, "nosuch", "ADD COLUMN x INT").toArray(String[]::new));
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("nosuch") && r.err().contains("does not exist"), r.toString());
        assertEquals(List.of("t"), tables(db));
    }

    @Test
    void missingRequiredOptionExitsTwo() throws Exception {
        String db = tableDb("cli_noopt");
        Outcome r = osc("run", "--host", server.host(), "--port", String.valueOf(server.port()), "--user", server.user(),
                "--password-file", passwordFile(server.password()).toString(),
                "--database", db, "--alter", "ADD COLUMN x INT", "--execute");
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("--table"), r.toString());
        assertEquals(List.of("id", "a", "b"), columns(db, "t"));
    }

    @Test
    void passwordFileAndWrongPassword() throws Exception {
        String db = tableDb("cli_pw");
        String user = "pw_user_" + randomSuffix();
        String password = "S3cret-" + randomSuffix();
        String wrong = "Wr0ng-" + randomSuffix();
        server.createOscUser(user, password, db);
        try {
            List<String> base = List.of("run", "--host", server.host(), "--port", String.valueOf(server.port()),
                    "--user", user, "--database", db, "--table", "t", "--alter", "ADD COLUMN x INT");

            List<String> right = new ArrayList<>(base);
            right.addAll(List.of("--password-file", passwordFile(password).toString()));
            Outcome ok = osc(right.toArray(String[]::new));
            assertEquals(0, ok.code(), "the right password from --password-file must be accepted:\n" + ok);
            assertTrue(ok.out().contains("Dry run"), ok.toString());

            List<String> bad = new ArrayList<>(base);
            bad.addAll(List.of("--password-file", passwordFile(wrong).toString()));
            Outcome r = osc(bad.toArray(String[]::new));
            assertEquals(3, r.code(), r.toString());
            assertTrue(r.err().toLowerCase().contains("access denied"), r.toString());
            for (String secret : List.of(wrong, password)) {
                assertFalse(r.out().contains(secret), "stdout shows a password:\n" + r);
                assertFalse(r.err().contains(secret), "stderr shows a password:\n" + r);
                assertFalse(ok.out().contains(secret), "stdout shows a password:\n" + ok);
                assertFalse(ok.err().contains(secret), "stderr shows a password:\n" + ok);
            }
            assertEquals(List.of("id", "a", "b"), columns(db, "t"));
        } finally {
            server.exec(null, "DROP USER '" + user + "'@'%'");
        }
    }

    @Test
    void unreachablePortExitsThree() throws Exception {
        int port = freePort();
        Outcome r = osc("run", "--host", "127.0.0.1", "--port", String.valueOf(port), "--user", "root",
                "--password-file", passwordFile("").toString(),
                "--database", "d", "--table", "t", "--alter", "ADD COLUMN x INT");
        assertEquals(3, r.code(), r.toString());
        assertTrue(r.err().contains(String.valueOf(port)), r.toString());
        assertTrue(r.err().contains("--port"), r.toString());
    }

    // ---- help ----

    @Test
    void helpOfOsc() {
        Outcome r = osc("--help");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("run"), r.toString());
        assertTrue(r.out().contains("sandbox"), r.toString());
        assertTrue(r.out().contains("Exit codes"), r.toString());
    }

    @Test
    void helpOfRun() {
        Outcome r = osc("run", "--help");
        assertEquals(0, r.code(), r.toString());
        String out = r.out();
        assertTrue(out.contains("--execute"), out);
        assertTrue(out.contains("--alter") && out.contains("--table") && out.contains("--database"), out);
        assertTrue(out.contains("--password-file"), out);
        assertTrue(out.contains("Exit codes"), out);
        for (String code : List.of("0  ", "1  ", "2  ", "3  ")) {
            assertTrue(out.contains("  " + code), "exit code " + code.strip() + " is not explained:\n" + out);
        }
        String flat = out.replaceAll("\\s+", " ");
        assertTrue(flat.contains("2 bad input"), out);
        assertTrue(flat.contains("3 server or connection problem"), out);
        assertTrue(flat.contains("wrong password"), out);
    }

    @Test
    void helpOfSandbox() {
        Outcome r = osc("sandbox", "--help");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("start") && r.out().contains("stop") && r.out().contains("status"), r.toString());
    }

    private List<String> planArgs(String db, String alter, String... more) throws IOException {
        List<String> args = runArgs(db, "t", alter);
        args.set(0, "plan");
        args.addAll(List.of(more));
        return args;
    }

    @Test
    void planJsonParsesAndHoldsEveryFieldTheTextShows() throws Exception {
        String db = tableDb("cli_planjson");
        Outcome json = osc(planArgs(db, "MODIFY b BIGINT, ADD COLUMN c INT DEFAULT 5", "--format", "json").toArray(String[]::new));
        assertEquals(0, json.code(), json.toString());
        com.fasterxml.jackson.databind.JsonNode plan = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.out());
        for (String field : List.of("database", "table", "canRun", "alreadyApplied", "method", "methodReason", "shadowTable",
                "oldTable", "columns", "estimates", "findings", "statements")) {
            assertTrue(plan.has(field), field + " missing in " + json.out());
        }
        assertEquals("copy", plan.get("method").asText());
        assertTrue(plan.get("canRun").asBoolean());
        assertEquals(ROWS, plan.get("estimates").get("rows").asLong());
        assertTrue(plan.get("estimates").get("copySeconds").asDouble() > 0);
        List<String> actions = new ArrayList<>();
        plan.get("columns").forEach(c -> actions.add(c.get("name").asText() + ":" + c.get("action").asText()));
        assertEquals(List.of("id:copied", "a:copied", "b:converted", "c:added"), actions);
        assertEquals("5", plan.get("columns").get(3).get("default").asText());

        Outcome text = osc(planArgs(db, "MODIFY b BIGINT, ADD COLUMN c INT DEFAULT 5").toArray(String[]::new));
        assertEquals(0, text.code(), text.toString());
        // the two runs may fall on different seconds, which the old table's name carries
        String stamp = "_osc_old_\\d{8}_\\d{6}";
        String textOut = text.out().replaceAll(stamp, "_osc_old_X");
        plan.get("statements").forEach(st -> assertTrue(textOut.contains(st.asText().replaceAll(stamp, "_osc_old_X")),
                "text lacks " + st.asText()));
        plan.get("findings").forEach(f -> assertTrue(text.out().contains(f.get("code").asText()), "text lacks " + f));
        assertTrue(text.out().contains("method:       copy"), text.out());
        assertTrue(text.out().contains("b: copied, converted int(11) -> bigint(20)"), text.out());
        assertTrue(text.out().contains("c: added (default 5)"), text.out());
        assertEquals(List.of("t"), tables(db), "planning changed nothing");
    }

    @Test
    void planExitsTwoOnABlockerAndZeroForAnInstantChange() throws Exception {
        String db = tableDb("cli_planblock");
        Outcome instant = osc(planArgs(db, "ADD COLUMN c INT").toArray(String[]::new));
        assertEquals(0, instant.code(), instant.toString());
        assertTrue(instant.out().contains("method:       instant"), instant.out());
        server.exec(db, "CREATE TRIGGER trg BEFORE INSERT ON t FOR EACH ROW SET NEW.b = NEW.b");
        Outcome blocked = osc(planArgs(db, "ADD COLUMN c INT", "--format", "json").toArray(String[]::new));
        assertEquals(2, blocked.code(), blocked.toString());
        com.fasterxml.jackson.databind.JsonNode plan = new com.fasterxml.jackson.databind.ObjectMapper().readTree(blocked.out());
        assertFalse(plan.get("canRun").asBoolean());
        assertEquals("TRIGGERS", plan.get("findings").get(0).get("code").asText());
        assertEquals("blocker", plan.get("findings").get(0).get("severity").asText());
    }

    @Test
    void runExecuteTwiceReportsAlreadyAppliedTheSecondTime() throws Exception {
        String db = tableDb("cli_twice");
        List<String> args = runArgs(db, "t", "ADD INDEX k_b (b)");
        args.add("--execute");
        Outcome first = osc(args.toArray(String[]::new));
        assertEquals(0, first.code(), first.toString());
        Outcome second = osc(args.toArray(String[]::new));
        assertEquals(0, second.code(), second.toString());
        List<com.fasterxml.jackson.databind.JsonNode> events = jsonLines(second.out());
        assertEquals("already-applied", events.get(events.size() - 1).get("status").asText(), second.toString());
    }

    @Test
    void ifRunningFailExitsFiveWhileAnotherRunHoldsTheTableAndWaitGoesOnOnceItEnds() throws Exception {
        String db = tableDb("cli_busy");
        String schema = showCreate(db, "t");
        List<String> args = runArgs(db, "t", "ADD COLUMN note VARCHAR(64)");
        args.addAll(List.of("--execute", "--method", "copy"));
        // a session holding the table's migration lock is, for osc, another run migrating it
        try (Connection other = server.connect(db); PreparedStatement lock = other.prepareStatement("SELECT GET_LOCK(?, 0)")) {
            lock.setString(1, dev.osc.engine.Migration.lockName(db, "t"));
            try (ResultSet rs = lock.executeQuery()) {
                rs.next();
                assertEquals(1, rs.getInt(1));
            }
            List<String> failFast = new ArrayList<>(args);
            failFast.addAll(List.of("--if-running", "fail"));
            Outcome busy = osc(failFast.toArray(String[]::new));
            assertEquals(5, busy.code(), busy.toString());
            assertTrue(busy.err().contains("another osc run is migrating " + db + ".t"), busy.toString());
            assertEquals(schema, showCreate(db, "t"));
            assertEquals(List.of("t"), tables(db));

            Outcome bad = osc(add(new ArrayList<>(args), "--if-running", "sometimes").toArray(String[]::new));
            assertEquals(2, bad.code(), bad.toString());
            assertTrue(bad.err().contains("--if-running takes wait or fail"), bad.toString());

            // the default waits: release the lock a moment later from another thread
            java.util.concurrent.CompletableFuture<Void> release = java.util.concurrent.CompletableFuture.runAsync(() -> {
                try {
                    Thread.sleep(1500);
                    other.createStatement().execute("DO RELEASE_LOCK(" + "'" + dev.osc.engine.Migration.lockName(db, "t")
                            .replace("'", "''") + "')");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Outcome waited = osc(args.toArray(String[]::new));
            release.get();
            assertEquals(0, waited.code(), waited.toString());
            assertTrue(waited.out().contains("waiting for it to finish"), waited.toString());
            assertEquals(List.of("id", "a", "b", "note"), columns(db, "t"));
        }
    }

    private static List<String> add(List<String> args, String... more) {
        args.addAll(List.of(more));
        return args;
    }

    /** Parses every line; fails on any line that is not a JSON object with an event name. */
    static List<com.fasterxml.jackson.databind.JsonNode> jsonLines(String out) throws IOException {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        List<com.fasterxml.jackson.databind.JsonNode> events = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            com.fasterxml.jackson.databind.JsonNode node = json.readTree(line);
            assertTrue(node.isObject() && node.hasNonNull("event"), "not a JSON event line: " + line);
            events.add(node);
        }
        return events;
    }
}
