package dev.osc.cli;

import dev.osc.cli.Captured.Outcome;
import dev.osc.engine.MigrationFixture;
import dev.osc.engine.revert.RevertFixture;
import dev.osc.testing.TestServer;
import dev.osc.testing.TestServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code osc revert} on the command line against a real server: output, exit codes, what it changes. */
@ExtendWith(TestServerExtension.class)
class RevertCommandIT {
    private final TestServer server;

    @TempDir
    Path tmp;

    RevertCommandIT(TestServer server) {
        this.server = server;
    }


    private Outcome osc(List<String> args) {
        return Captured.run(args);
    }

    private List<String> revertArgs(String db, String table, String... more) throws Exception {
        Path pw = Files.createTempFile(tmp, "pw", ".txt");
        Files.writeString(pw, server.password() + "\n", StandardCharsets.UTF_8);
        List<String> args = new ArrayList<>(List.of("revert", "--host", server.host(), "--port", String.valueOf(server.port()),
                "--user", server.user(), "--password-file", pw.toString(), "--database", db, "--table", table));
        args.addAll(List.of(more));
        return args;
    }

    @Test
    void dryRunThenRevertExitZeroAndBringBackTheOldTable() throws Exception {
        String db = server.createDatabase("clirev");
        server.exec(db, "CREATE TABLE t (id INT NOT NULL PRIMARY KEY, a VARCHAR(20), b INT) ENGINE=InnoDB",
                "CREATE TABLE control LIKE t");
        try (Connection c = server.connect(db)) {
            MigrationFixture.fill(c, "INSERT INTO t VALUES (?, ?, ?)", 100, i -> new Object[] {i, "a-" + i, i});
            server.exec(db, "INSERT INTO control SELECT * FROM t");
            RevertFixture.migrate(server, db, "t", "ADD COLUMN c INT NOT NULL DEFAULT 7, MODIFY b BIGINT");
            server.exec(db, "UPDATE t SET b = b * 2, c = 1 WHERE id <= 2", "DELETE FROM t WHERE id = 3",
                    "UPDATE control SET b = b * 2 WHERE id <= 2", "DELETE FROM control WHERE id = 3");
            Map<String, String> before = RevertFixture.picture(server, db);

            Outcome dry = osc(revertArgs(db, "t"));
            assertEquals(0, dry.code(), dry::toString);
            assertTrue(dry.out().contains("changes since the cut-over: 3 rows"), dry::toString);
            assertTrue(dry.out().contains("Dry run: nothing was changed"), dry::toString);
            assertEquals(before, RevertFixture.picture(server, db), "the dry run changed the database");

            Outcome run = osc(revertArgs(db, "t", "--execute"));
            assertEquals(0, run.code(), run::toString);
            assertTrue(run.out().contains("Reverted: t has its old schema again"), run::toString);
            assertEquals(MigrationFixture.schema(c, db, "control"), MigrationFixture.schema(c, db, "t"));
            assertEquals(MigrationFixture.rows(c, db, "control"), MigrationFixture.rows(c, db, "t"));
        }
    }

    @Test
    void refusalsExitTwoAndSayWhy() throws Exception {
        String db = server.createDatabase("clirevno");
        server.exec(db, "CREATE TABLE t (id INT NOT NULL PRIMARY KEY) ENGINE=InnoDB");
        Outcome none = osc(revertArgs(db, "t", "--execute"));
        assertEquals(2, none.code(), none::toString);
        assertTrue(none.err().contains("no swap of " + db + ".t is recorded"), none::toString);

        RevertFixture.migrate(server, db, "t", "ADD COLUMN c INT");
        server.exec(null, "UPDATE " + RevertFixture.STATE.migrations() + " SET revert_until = UTC_TIMESTAMP(6)"
                + " - INTERVAL 1 SECOND WHERE database_name = '" + db + "'");
        Map<String, String> before = RevertFixture.picture(server, db);
        Outcome late = osc(revertArgs(db, "t", "--execute"));
        assertEquals(2, late.code(), late::toString);
        assertTrue(late.err().contains("revert window") && late.err().contains("ended at"), late::toString);
        assertEquals(before, RevertFixture.picture(server, db), "the refused revert changed the database");
    }
}
