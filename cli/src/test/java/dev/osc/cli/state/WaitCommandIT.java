package dev.osc.cli.state;

import dev.osc.engine.Migration;
import dev.osc.engine.state.Outcome;
import dev.osc.engine.state.StateSchema;
import dev.osc.testing.TestServer;
import dev.osc.testing.TestServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code osc wait} against a real server, with migrations recorded by the test and the table's lock held by it. */
@ExtendWith(TestServerExtension.class)
class WaitCommandIT {
    private final TestServer server;
    private final StateSchema schema = Cli.freshSchema("osc_wait");
    private final ExecutorService background = Executors.newSingleThreadExecutor();
    @TempDir
    Path tmp;
    private Cli cli;
    private String db;

    WaitCommandIT(TestServer server) {
        this.server = server;
    }

    @BeforeEach
    void setUp() throws Exception {
        cli = new Cli(server, tmp);
        // the lock name includes the database: a database of its own keeps tests apart
        db = server.createDatabase("wait");
    }

    @AfterEach
    void tearDown() {
        background.shutdownNow();
    }

    private List<String> waitArgs(String... more) throws Exception {
        List<String> args = cli.args("wait", "--database", db, "--table", "t", "--state-schema", schema.name());
        args.addAll(List.of(more));
        return args;
    }

    @Test
    void exitsZeroAfterASucceededMigration() throws Exception {
        try (LiveRow row = new LiveRow(cli.config(), schema, db, "t", LiveRow.copying(10, 10, 5, ""))) {
            row.finish(Outcome.SUCCEEDED, null);
            Cli.Outcome r = cli.osc(waitArgs());
            assertEquals(0, r.code(), r.toString());
            assertTrue(r.out().contains("migration " + row.id() + " on " + db + ".t succeeded"), r.toString());
            assertFalse(r.out().contains("waiting for"), "nothing ran, so nothing was waited for: " + r);
        }
    }

    @Test
    void exitsOneWithTheErrorAfterAFailedOrAbortedMigration() throws Exception {
        try (LiveRow row = new LiveRow(cli.config(), schema, db, "t", LiveRow.copying(10, 100, 5, ""))) {
            row.finish(Outcome.FAILED, "checksum differs after 3 rounds");
            Cli.Outcome r = cli.osc(waitArgs());
            assertEquals(1, r.code(), r.toString());
            assertTrue(r.err().contains("migration " + row.id() + " on " + db + ".t failed"), r.toString());
            assertTrue(r.err().contains("checksum differs after 3 rounds"), r.toString());
        }
        try (LiveRow row = new LiveRow(cli.config(), schema, db, "t", LiveRow.copying(10, 100, 5, ""))) {
            row.finish(Outcome.ABORTED, "aborted by an operator (osc abort)");
            Cli.Outcome r = cli.osc(waitArgs());
            assertEquals(1, r.code(), r.toString());
            assertTrue(r.err().contains("aborted") && r.err().contains("osc abort"), r.toString());
        }
    }

    @Test
    void timesOutWithFourWhileALiveRunningRowExists() throws Exception {
        try (LiveRow row = new LiveRow(cli.config(), schema, db, "t", LiveRow.copying(10, 100, 5, ""))) {
            Cli.Outcome r = cli.osc(waitArgs("--timeout", "2s", "--poll", "200ms"));
            assertEquals(4, r.code(), r.toString());
            assertTrue(r.err().contains("timed out after 2s still waiting for migration " + row.id()), r.toString());
            assertEquals(1, r.out().lines().filter(l -> l.startsWith("waiting for")).count(),
                    "one line per change of what it waits for, not one per poll: " + r);
        }
    }

    @Test
    void timesOutWithFourWhileASessionHoldsTheTablesLock() throws Exception {
        String lock = Migration.lockName(db, "t");
        try (Connection holder = server.connect(null); PreparedStatement ps = holder.prepareStatement("SELECT GET_LOCK(?, 0)")) {
            ps.setString(1, lock);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                assertEquals(1, rs.getInt(1));
            }
            Cli.Outcome r = cli.osc(waitArgs("--timeout", "2s", "--poll", "200ms"));
            assertEquals(4, r.code(), r.toString());
            assertTrue(r.err().contains("still waiting for the migration lock '" + lock + "'"), r.toString());
        }
        // the session that held it is gone, and nothing was ever recorded
        Cli.Outcome after = cli.osc(waitArgs("--timeout", "2s"));
        assertEquals(0, after.code(), after.toString());
        assertTrue(after.out().contains("nothing to wait for"), after.toString());
    }

    @Test
    void returnsZeroWhenTheRunningMigrationSucceedsDuringTheWait() throws Exception {
        try (LiveRow row = new LiveRow(cli.config(), schema, db, "t", LiveRow.copying(10, 100, 5, ""))) {
            Future<Cli.Outcome> waiting = background.submit(() -> cli.osc(waitArgs("--timeout", "5m", "--poll", "100ms")));
            cli.awaitOutput("waiting for migration " + row.id());
            row.finish(Outcome.SUCCEEDED, null);
            // a wait that missed the end would run into its 5m timeout and exit 4
            Cli.Outcome r = waiting.get(6, TimeUnit.MINUTES);
            assertEquals(0, r.code(), r.toString());
            assertTrue(r.out().contains("migration " + row.id() + " on " + db + ".t succeeded"), r.toString());
        }
    }

    @Test
    void aStaleRowMeansTheMigrationDidNotCompleteUnlessALaterOneSucceeded() throws Exception {
        long dead;
        try (LiveRow row = new LiveRow(cli.config(), schema, db, "t", LiveRow.copying(40, 100, 5, ""))) {
            dead = row.id();
        }
        cli.silence(schema, dead, 120);
        Cli.Outcome r = cli.osc(waitArgs("--timeout", "2s"));
        assertEquals(1, r.code(), "a dead run is not waited for: " + r);
        assertTrue(r.err().contains("migration " + dead + " on " + db + ".t did not complete"), r.toString());
        assertTrue(r.err().contains("most likely died"), r.toString());

        try (LiveRow rerun = new LiveRow(cli.config(), schema, db, "t", LiveRow.copying(100, 100, 5, ""))) {
            rerun.finish(Outcome.SUCCEEDED, null);
            Cli.Outcome after = cli.osc(waitArgs("--timeout", "2s"));
            assertEquals(0, after.code(), after.toString());
            assertTrue(after.out().contains("migration " + rerun.id() + " on " + db + ".t succeeded"), after.toString());
        }
    }

    @Test
    void nothingRecordedExitsZeroUnlessAMigrationIsRequired() throws Exception {
        Cli.Outcome none = cli.osc(waitArgs());
        assertEquals(0, none.code(), none.toString());
        assertTrue(none.out().contains("no migration of " + db + ".t is recorded"), none.toString());
        assertFalse(cli.schemaExists(schema.name()), "wait only reads");

        Cli.Outcome required = cli.osc(waitArgs("--require-migration", "--timeout", "1s", "--poll", "200ms"));
        assertEquals(4, required.code(), required.toString());
        assertTrue(required.err().contains("a migration of " + db + ".t to be recorded"), required.toString());
    }

    @Test
    void requireMigrationWaitsForOneToBeRecordedAndToFinish() throws Exception {
        Future<Cli.Outcome> waiting = background.submit(() -> cli.osc(waitArgs("--require-migration", "--timeout", "5m",
                "--poll", "100ms")));
        cli.awaitOutput("waiting for a migration of " + db + ".t to be recorded");
        try (LiveRow row = new LiveRow(cli.config(), schema, db, "t", LiveRow.copying(1, 100, 5, ""))) {
            cli.awaitOutput("waiting for migration " + row.id());
            row.finish(Outcome.SUCCEEDED, null);
            Cli.Outcome r = waiting.get(6, TimeUnit.MINUTES);
            assertEquals(0, r.code(), r.toString());
            assertTrue(r.out().contains("migration " + row.id() + " on " + db + ".t succeeded"), r.toString());
        }
    }

    @Test
    void selectOnTheStateSchemaIsAllItNeeds() throws Exception {
        // docs/deploying.md: init containers get SELECT on the state schema and nothing else
        try (LiveRow row = new LiveRow(cli.config(), schema, db, "t", LiveRow.copying(10, 10, 5, ""))) {
            row.finish(Outcome.SUCCEEDED, null);
        }
        String user = "osc_wait_" + db.substring(db.length() - 6);
        String password = "Pw-" + user;
        server.exec(null, "CREATE USER '" + user + "'@'%' IDENTIFIED BY '" + password + "'",
                "GRANT SELECT ON `" + schema.name() + "`.* TO '" + user + "'@'%'");
        try {
            Path pw = java.nio.file.Files.writeString(tmp.resolve("wait-pw"), password + "\n");
            Cli.Outcome r = cli.osc(List.of("wait", "--host", server.host(), "--port", String.valueOf(server.port()),
                    "--user", user, "--password-file", pw.toString(), "--database", db, "--table", "t",
                    "--state-schema", schema.name()));
            assertEquals(0, r.code(), r.toString());
            assertTrue(r.out().contains("succeeded"), r.toString());
        } finally {
            server.exec(null, "DROP USER '" + user + "'@'%'");
        }
    }

    @Test
    void badInputExitsTwo() throws Exception {
        for (String[] bad : List.of(new String[]{"--timeout", "0s"}, new String[]{"--poll", "-1s"},
                new String[]{"--timeout", "soon"})) {
            Cli.Outcome r = cli.osc(waitArgs(bad));
            assertEquals(2, r.code(), String.join(" ", bad) + "\n" + r);
            assertTrue(r.err().contains(bad[0]), r.toString());
        }
        Cli.Outcome noTable = cli.osc(cli.args("wait", "--database", db));
        assertEquals(2, noTable.code(), noTable.toString());
        assertTrue(noTable.err().contains("--table"), noTable.toString());
    }

    @Test
    void anUnreachableServerExitsThree() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Cli.Outcome r = cli.osc(List.of("wait", "--host", "127.0.0.1", "--port", String.valueOf(port), "--user", "nobody",
                "--database", db, "--table", "t", "--state-schema", schema.name()));
        assertEquals(3, r.code(), r.toString());
        assertTrue(r.err().contains(String.valueOf(port)), r.toString());
    }
}
