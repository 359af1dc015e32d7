package dev.osc.cli.control;

import dev.osc.cli.Captured.Outcome;
import dev.osc.cli.Captured;
import dev.osc.cli.OscCommand;
import dev.osc.engine.ConnectionConfig;
import dev.osc.engine.control.ControlRequest;
import dev.osc.engine.state.StateSchema;
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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code osc pause|resume|set|cutover|abort} against a real server and a stand-in for the running migration. */
@ExtendWith(TestServerExtension.class)
class ControlCommandsIT {
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private final TestServer server;
    private final StateSchema schema = new StateSchema("osc_cli_" + COUNTER.incrementAndGet() + "_" + suffix());

    @TempDir
    Path tmp;

    ControlCommandsIT(TestServer server) {
        this.server = server;
    }

    private static String suffix() {
        return Long.toString(ThreadLocalRandom.current().nextLong(1L << 30, 1L << 40), 36);
    }

    private ConnectionConfig config() {
        return new ConnectionConfig(server.host(), server.port(), server.user(), server.password());
    }

    private Outcome osc(List<String> args) {
        return Captured.run(args);
    }

    private Path passwordFile(String password) throws IOException {
        Path f = Files.createTempFile(tmp, "pw", ".txt");
        Files.writeString(f, password + "\n", StandardCharsets.UTF_8);
        return f;
    }

    /** {@code command} on app.t, as the given user, with the test's state schema, then {@code more}. */
    private List<String> argsAs(String user, String password, String command, String... more) throws IOException {
        List<String> args = new ArrayList<>(List.of(command, "--host", server.host(), "--port", String.valueOf(server.port()),
                "--user", user, "--password-file", passwordFile(password).toString(),
                "--database", "app", "--table", "t", "--state-schema", schema.name()));
        args.addAll(List.of(more));
        return args;
    }

    private List<String> args(String command, String... more) throws IOException {
        return argsAs(server.user(), server.password(), command, more);
    }

    private long requests() throws SQLException {
        try (Connection c = server.connect(null); PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM " + schema.control());
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void pauseAcceptedExitsZeroAndPrintsTheAnswer() throws Exception {
        try (FakeMigration m = new FakeMigration(config(), schema, "app", "t", r -> new FakeMigration.Answer(true, "paused"))) {
            Outcome r = osc(args("pause"));
            assertEquals(0, r.code(), r.toString());
            assertTrue(r.out().contains("paused: osc holds back until `osc resume`"), r.toString());
            assertEquals(1, m.received().size());
            assertEquals(ControlRequest.PAUSE, m.received().get(0).command());
            assertEquals("", m.received().get(0).argument());
        }
    }

    @Test
    void eachCommandReachesTheMigrationAsItsOwnCommand() throws Exception {
        try (FakeMigration m = new FakeMigration(config(), schema, "app", "t", r -> new FakeMigration.Answer(true, r.command() + "d"))) {
            for (String command : List.of("resume", "cutover", "abort")) {
                Outcome r = osc(args(command));
                assertEquals(0, r.code(), r.toString());
                assertTrue(r.out().startsWith(command + "d"), r.toString());
            }
            assertEquals(List.of("resume", "cutover", "abort"), m.received().stream().map(ControlRequest::command).toList());
        }
    }

    @Test
    void setThreadsIsSentAndAcknowledged() throws Exception {
        try (FakeMigration m = new FakeMigration(config(), schema, "app", "t", r -> new FakeMigration.Answer(true,
                r.argument().equals("threads=4") ? "threads 2 -> 4" : "chunk-time 100ms -> 200ms"))) {
            Outcome r = osc(args("set", "threads=4"));
            assertEquals(0, r.code(), r.toString());
            assertTrue(r.out().contains("threads 2 -> 4"), r.toString());

            // several at once, each written the way the migration parses it
            Outcome two = osc(args("set", "THREADS=4", "chunk_time=0.2s"));
            assertEquals(0, two.code(), two.toString());
            assertTrue(two.out().contains("chunk-time 100ms -> 200ms"), two.toString());
            assertEquals(List.of("threads=4", "threads=4", "chunk-time=200ms"),
                    m.received().stream().map(ControlRequest::argument).toList());
        }
    }

    @Test
    void aRefusalExitsOneWithTheReason() throws Exception {
        try (FakeMigration m = new FakeMigration(config(), schema, "app", "t",
                r -> new FakeMigration.Answer(false, "cut-over is not postponed: osc cuts over by itself"))) {
            Outcome r = osc(args("cutover"));
            assertEquals(1, r.code(), r.toString());
            assertTrue(r.err().contains("refused cutover: cut-over is not postponed"), r.toString());
            assertTrue(r.err().contains("migration " + m.id() + " on app.t"), r.toString());
            assertEquals(1, m.received().size());
        }
    }

    @Test
    void unknownSettingExitsTwoNamingTheSettingsAndSendsNothing() throws Exception {
        try (FakeMigration m = new FakeMigration(config(), schema, "app", "t", r -> new FakeMigration.Answer(true, "ok"))) {
            Outcome r = osc(args("set", "bogus=1"));
            assertEquals(2, r.code(), r.toString());
            assertTrue(r.err().contains("bogus"), r.toString());
            for (String name : List.of("threads", "chunk-time", "max-lag", "max-threads-running", "critical-threads-running")) {
                assertTrue(r.err().contains(name), name + " not listed:\n" + r);
            }
            assertEquals(0, requests());
            assertTrue(m.received().isEmpty());
        }
    }

    @Test
    void invalidValueExitsTwoAndSendsNothing() throws Exception {
        try (FakeMigration m = new FakeMigration(config(), schema, "app", "t", r -> new FakeMigration.Answer(true, "ok"))) {
            for (List<String> bad : List.of(List.of("threads=abc"), List.of("threads=0"), List.of("threads"),
                    List.of("threads=4", "threads=5"), List.of("max-lag=2s", "threads=abc"))) {
                List<String> a = args("set");
                a.addAll(bad);
                Outcome r = osc(a);
                assertEquals(2, r.code(), bad + "\n" + r);
                assertTrue(r.err().contains("threads"), r.toString());
            }
            Outcome abc = osc(args("set", "threads=abc"));
            assertTrue(abc.err().contains("'abc' is not a valid value for threads") && abc.err().contains("chunk-time"), abc.toString());
            assertEquals(0, requests(), "nothing is sent when one assignment is bad");
            assertTrue(m.received().isEmpty());
        }
    }

    @Test
    void noRunningMigrationExitsTwo() throws Exception {
        Outcome noSchema = osc(args("pause"));
        assertEquals(2, noSchema.code(), noSchema.toString());
        assertTrue(noSchema.err().contains("no migration is running on app.t"), noSchema.toString());
        assertTrue(noSchema.err().contains("does not exist"), noSchema.toString());

        try (FakeMigration m = new FakeMigration(config(), schema, "app", "other", r -> new FakeMigration.Answer(true, "ok"))) {
            Outcome r = osc(args("pause"));
            assertEquals(2, r.code(), r.toString());
            assertTrue(r.err().contains("no migration is running on app.t"), r.toString());
            assertTrue(m.received().isEmpty(), "a request reached the migration of another table");
        }
    }

    @Test
    void aDeadRunIsNamedNotSignalled() throws Exception {
        long id = FakeMigration.deaf(config(), schema, "app", "t");
        server.exec(null, "UPDATE " + schema.migrations() + " SET updated_at = UTC_TIMESTAMP(6) - INTERVAL 1 HOUR WHERE id = " + id);
        Outcome r = osc(args("abort"));
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("no migration is running on app.t"), r.toString());
        assertTrue(r.err().contains("the last run on app.t (id " + id + ", owner "), r.toString());
        assertTrue(r.err().contains("stopped updating at"), r.toString());
        assertEquals(0, requests());
    }

    @Test
    void nobodyAnsweringExitsFourWithinTheTimeoutAndWithdrawsTheRequest() throws Exception {
        long id = FakeMigration.deaf(config(), schema, "app", "t");
        long t0 = System.nanoTime();
        Outcome r = osc(args("pause", "--timeout", "1s"));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(4, r.code(), r.toString());
        assertTrue(ms >= 1_000 && ms < 8_000, "took " + ms + "ms");
        assertTrue(r.err().contains("did not acknowledge pause within 1s"), r.toString());
        assertTrue(r.err().contains("withdrawn"), r.toString());
        try (var control = new dev.osc.engine.state.ControlTable(config(), schema)) {
            assertTrue(control.channel(id).pending().isEmpty(), "the withdrawn request still waits for the migration");
        }
        try (Connection c = server.connect(null); PreparedStatement ps = c.prepareStatement(
                "SELECT accepted, message FROM " + schema.control() + " WHERE migration_id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next());
                assertFalse(rs.getBoolean(1));
                assertTrue(rs.getString(2).startsWith("withdrawn"), rs.getString(2));
                assertFalse(rs.next());
            }
        }
    }

    @Test
    void selectInsertUpdateOnTheStateSchemaAreEnough() throws Exception {
        String user = "ctl_" + suffix();
        String password = "Pw-" + suffix();
        try (FakeMigration m = new FakeMigration(config(), schema, "app", "t", r -> new FakeMigration.Answer(true, "paused"))) {
            server.exec(null, "CREATE USER '" + user + "'@'%' IDENTIFIED BY '" + password + "'",
                    "GRANT SELECT, INSERT, UPDATE ON `" + schema.name() + "`.* TO '" + user + "'@'%'");
            Outcome r = osc(argsAs(user, password, "pause"));
            assertEquals(0, r.code(), r.toString());
            assertEquals(1, m.received().size());
            assertFalse(r.out().contains(password) || r.err().contains(password), r.toString());
        } finally {
            server.exec(null, "DROP USER IF EXISTS '" + user + "'@'%'");
        }
    }

    @Test
    void withoutPrivilegesOnTheStateSchemaExitsThree() throws Exception {
        String user = "ctl_np_" + suffix();
        String password = "Pw-" + suffix();
        try (FakeMigration m = new FakeMigration(config(), schema, "app", "t", r -> new FakeMigration.Answer(true, "paused"))) {
            server.exec(null, "CREATE USER '" + user + "'@'%' IDENTIFIED BY '" + password + "'");
            Outcome r = osc(argsAs(user, password, "pause"));
            assertEquals(3, r.code(), r.toString());
            assertTrue(r.err().contains("GRANT SELECT, INSERT, UPDATE ON `" + schema.name() + "`.*")
                    || r.err().contains("grant SELECT, INSERT, UPDATE ON `" + schema.name() + "`.*"), r.toString());
            assertTrue(m.received().isEmpty());
        } finally {
            server.exec(null, "DROP USER IF EXISTS '" + user + "'@'%'");
        }
    }

    @Test
    void unreachableServerExitsThree() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        List<String> a = args("resume");
        a.set(a.indexOf("--port") + 1, String.valueOf(port));
        Outcome r = osc(a);
        assertEquals(3, r.code(), r.toString());
        assertTrue(r.err().contains(String.valueOf(port)), r.toString());
    }

    @Test
    void badOptionsExitTwo() throws Exception {
        for (List<String> a : List.of(args("pause", "--timeout", "0s"), args("pause", "--timeout", "soon"),
                args("pause", "--state-schema", "a b"), args("set"))) {
            Outcome r = osc(a);
            assertEquals(2, r.code(), a + "\n" + r);
        }
        List<String> noTable = args("pause");
        int i = noTable.indexOf("--table");
        noTable.remove(i + 1);
        noTable.remove(i);
        Outcome r = osc(noTable);
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("--table"), r.toString());
    }

    @Test
    void helpNamesTheCommandsAndTheirExitCodes() {
        Outcome top = osc(List.of("--help"));
        for (String command : List.of("pause", "resume", "set", "cutover", "abort")) {
            assertTrue(top.out().contains(command), command + " missing:\n" + top);
        }
        assertTrue(top.out().replaceAll("\\s+", " ").contains("4 no acknowledgement within --timeout"), top.toString());
        for (String command : List.of("pause", "resume", "set", "cutover", "abort")) {
            Outcome r = osc(List.of(command, "--help"));
            assertEquals(0, r.code(), r.toString());
            String flat = r.out().replaceAll("\\s+", " ");
            for (String option : List.of("--database", "--table", "--state-schema", "--timeout", "--password-file")) {
                assertTrue(flat.contains(option), command + " lacks " + option + ":\n" + r.out());
            }
            for (String code : List.of("0 ", "1 ", "2 ", "3 ", "4 ")) {
                assertTrue(r.out().contains("  " + code + " "), command + ": exit code " + code + "unexplained:\n" + r.out());
            }
        }
        String set = osc(List.of("set", "--help")).out();
        for (dev.osc.engine.control.Setting s : dev.osc.engine.control.Setting.values()) {
            assertTrue(set.contains(s.key()), s.key() + " missing in osc set --help:\n" + set);
        }
    }
}
