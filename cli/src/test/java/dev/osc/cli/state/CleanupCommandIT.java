package dev.osc.cli.state;

import dev.osc.engine.Migration;
import dev.osc.engine.Phase;
import dev.osc.engine.cutover.TableNames;
import dev.osc.engine.db.BinlogPosition;
import dev.osc.engine.db.Sql;
import dev.osc.engine.plan.Method;
import dev.osc.engine.state.MigrationStart;
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
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code osc cleanup} on a database holding every kind of table osc leaves: what it lists, what it
 * drops with --execute and --force, and what it never drops.
 */
@ExtendWith(TestServerExtension.class)
class CleanupCommandIT {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss");
    /** Migrated tables: their contents must come out of every cleanup as they went in. */
    private static final List<String> SOURCES = List.of("t", "u", "w", "x", "v", "keepme_osc_notes");

    private final TestServer server;
    private final StateSchema schema = Cli.freshSchema("osc_cleanup");
    @TempDir
    Path tmp;
    private Cli cli;
    private String db;
    private String longSource;

    // the leftovers, by what they stand for
    private String expiredByName;
    private String openByName;
    private String openByRow;
    private String expiredByRow;
    private String crashedShadow;
    private String liveShadow;
    private String lockedShadow;
    private String sentry;
    private String probe;
    private String ghost;
    private String longShadow;

    CleanupCommandIT(TestServer server) {
        this.server = server;
    }

    @BeforeEach
    void setUp() throws Exception {
        cli = new Cli(server, tmp);
        db = server.createDatabase("cleanup");
        longSource = "orders_with_a_really_long_name_for_testing_hashed_names_ab";
        for (String s : SOURCES) {
            table(s);
        }
        table(longSource);
        LocalDateTime now = LocalDateTime.now();
        expiredByName = empty("t_osc_old_" + now.minusHours(2).format(STAMP));
        openByName = empty("t_osc_old_" + now.minusMinutes(5).format(STAMP));
        // the names say long ago; the rows' revert windows decide
        openByRow = empty("t_osc_old_20200101_000001");
        expiredByRow = empty("t_osc_old_20200101_000002");
        crashedShadow = empty("u_osc_new");
        liveShadow = empty("w_osc_new");
        lockedShadow = empty("x_osc_new");
        sentry = "v_osc_old_" + now.format(STAMP);
        server.exec(db, "CREATE TABLE `" + sentry + "` (sentry INT) ENGINE=InnoDB COMMENT='osc cut-over sentry'");
        probe = empty("t_osc_probe");
        ghost = empty("ghost_osc_new");
        longShadow = empty(TableNames.of(longSource, now).shadow());
        // shortened with a hash; the character after the kept part is bumped, here from _ to a backtick
        assertTrue(longShadow.length() == 64 && !longShadow.startsWith(longSource), "a shortened name: " + longShadow);

        try (StateStore store = new StateStore(cli.config(), schema)) {
            long open = store.begin(start("t", openByRow));
            store.cutOver(open, Duration.ofMinutes(30), new BinlogPosition("binlog.000001", 4));
            store.finish(open, Outcome.SUCCEEDED, null);
            long expired = store.begin(start("t", expiredByRow));
            store.cutOver(expired, Duration.ofSeconds(-60), new BinlogPosition("binlog.000001", 4));
            store.finish(expired, Outcome.SUCCEEDED, null);
            long crashed = store.begin(start("u", "u_osc_old_20200101_000000"));
            cli.silence(schema, crashed, 300);
        }
    }

    private MigrationStart start(String table, String old) {
        return new MigrationStart(db, table, "ADD COLUMN note INT", Method.COPY, Phase.SETUP, null,
                table + "_osc_new", old, null);
    }

    private void table(String name) throws SQLException {
        server.exec(db, "CREATE TABLE " + Sql.quote(name) + " (id INT NOT NULL PRIMARY KEY, a VARCHAR(20))",
                "INSERT INTO " + Sql.quote(name) + " VALUES (1, 'one'), (2, 'two'), (3, 'three')");
    }

    private String empty(String name) throws SQLException {
        server.exec(db, "CREATE TABLE " + Sql.quote(name) + " (id INT NOT NULL PRIMARY KEY)");
        return name;
    }

    /** CHECKSUM TABLE of every migrated table. */
    private Map<String, Long> checksums() throws SQLException {
        Map<String, Long> out = new LinkedHashMap<>();
        List<String> all = new ArrayList<>(SOURCES);
        all.add(longSource);
        try (Connection c = server.connect(db)) {
            for (String s : all) {
                try (PreparedStatement ps = c.prepareStatement("CHECKSUM TABLE " + Sql.quote(s)); ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    out.put(s, rs.getLong(2));
                }
            }
        }
        return out;
    }

    private List<String> cleanup(String... more) throws Exception {
        List<String> args = cli.args("cleanup", "--database", db, "--state-schema", schema.name());
        args.addAll(List.of(more));
        return args;
    }

    private void assertLine(Cli.Outcome r, String prefix, String table, String reason) {
        String name = Sql.quote(db, table) + " (";
        List<String> lines = r.out().lines().filter(l -> l.contains(name)).toList();
        assertEquals(1, lines.size(), table + " listed once: " + r);
        assertTrue(lines.get(0).startsWith(prefix), table + " should be '" + prefix.strip() + "': " + lines.get(0));
        assertTrue(lines.get(0).contains(reason), table + ": expected '" + reason + "' in " + lines.get(0));
    }

    @Test
    void dryRunListsAndKeepsExecuteDropsForceDropsOpenWindowsButNeverALiveShadow() throws Exception {
        Map<String, Long> before = checksums();
        List<String> tablesBefore = cli.tables(db);
        String lock = Migration.lockName(db, "x");
        try (LiveRow live = new LiveRow(cli.config(), schema, db, "w", LiveRow.copying(1, 3, 1, ""));
             Connection holder = server.connect(null)) {
            try (PreparedStatement ps = holder.prepareStatement("SELECT GET_LOCK(?, 0)")) {
                ps.setString(1, lock);
                ps.executeQuery().close();
            }

            Cli.Outcome dry = cli.osc(cleanup());
            assertEquals(0, dry.code(), dry.toString());
            assertEquals(tablesBefore, cli.tables(db), "a dry run drops nothing");
            assertLine(dry, "would drop ", expiredByName, "revert window ended");
            assertLine(dry, "would drop ", expiredByRow, "revert window ended");
            assertLine(dry, "keep       ", openByName, "revert window open until");
            assertLine(dry, "keep       ", openByRow, "old table of migration");
            assertLine(dry, "would drop ", crashedShadow, "did not finish: its process");
            assertLine(dry, "keep       ", liveShadow, "shadow table of migration " + live.id() + ", which is running");
            assertLine(dry, "keep       ", lockedShadow, "holds the migration lock of " + db + ".x");
            assertLine(dry, "would drop ", sentry, "sentry of an interrupted cut-over");
            assertLine(dry, "keep       ", probe, "an osc plan may be using it");
            assertLine(dry, "keep       ", ghost, "cannot attribute");
            assertLine(dry, "would drop ", longShadow, "a run the state schema has no record of");
            assertTrue(dry.out().contains("Dry run: nothing was dropped"), dry.toString());
            assertFalse(dry.out().contains("keepme_osc_notes"), "not an osc name: " + dry);

            Cli.Outcome onlyU = cli.osc(cleanup("--table", "u"));
            assertEquals(0, onlyU.code(), onlyU.toString());
            assertEquals(2, onlyU.out().lines().count(), "u's shadow table and the dry-run note: " + onlyU);

            Cli.Outcome execute = cli.osc(cleanup("--execute"));
            assertEquals(0, execute.code(), execute.toString());
            List<String> expected = new ArrayList<>(tablesBefore);
            expected.removeAll(List.of(expiredByName, expiredByRow, crashedShadow, sentry, longShadow));
            assertEquals(expected, cli.tables(db), execute.toString());
            assertTrue(execute.out().contains("5 dropped, 6 kept"), execute.toString());

            Cli.Outcome force = cli.osc(cleanup("--execute", "--force"));
            assertEquals(0, force.code(), force.toString());
            assertLine(force, "dropped ", openByRow, "dropped because of --force");
            assertLine(force, "kept    ", liveShadow, "never dropped, not even with --force");
            expected.removeAll(List.of(openByName, openByRow));
            assertEquals(expected, cli.tables(db), force.toString());
            assertTrue(cli.tables(db).containsAll(List.of(liveShadow, lockedShadow, probe, ghost)));
            try (PreparedStatement ps = holder.prepareStatement("SELECT RELEASE_LOCK(?)")) {
                ps.setString(1, lock);
                ps.executeQuery().close();
            }
        }
        // nobody holds x's lock any more: its shadow table is a crashed run's now
        Cli.Outcome unlocked = cli.osc(cleanup("--execute", "--table", "x"));
        assertEquals(0, unlocked.code(), unlocked.toString());
        assertFalse(cli.tables(db).contains(lockedShadow), unlocked.toString());

        assertEquals(before, checksums(), "the migrated tables are as they were");
        assertTrue(cli.tables(db).containsAll(SOURCES));
    }

    @Test
    void theDocumentedGrantsSuffice() throws Exception {
        // docs/deploying.md: SELECT on the state schema and DROP on the database
        String user = "osc_clean_" + db.substring(db.length() - 6);
        String password = "Pw-" + user;
        server.exec(null, "CREATE USER '" + user + "'@'%' IDENTIFIED BY '" + password + "'",
                "GRANT SELECT ON " + Sql.quote(schema.name()) + ".* TO '" + user + "'@'%'",
                "GRANT DROP ON " + Sql.quote(db) + ".* TO '" + user + "'@'%'");
        try {
            Path pw = java.nio.file.Files.writeString(tmp.resolve("cleanup-pw"), password + "\n");
            Cli.Outcome r = cli.osc(List.of("cleanup", "--host", server.host(), "--port", String.valueOf(server.port()),
                    "--user", user, "--password-file", pw.toString(), "--database", db, "--state-schema", schema.name(),
                    "--execute"));
            assertEquals(0, r.code(), r.toString());
            assertFalse(cli.tables(db).contains(expiredByRow), r.toString());
            assertTrue(cli.tables(db).contains(openByRow), r.toString());
        } finally {
            server.exec(null, "DROP USER '" + user + "'@'%'");
        }
    }

    @Test
    void badInputExitsTwoAndDropsNothing() throws Exception {
        List<String> tablesBefore = cli.tables(db);
        Cli.Outcome noDb = cli.osc(cli.args("cleanup", "--table", "t", "--execute", "--state-schema", schema.name()));
        assertEquals(2, noDb.code(), noDb.toString());
        assertTrue(noDb.err().contains("--table t needs --database"), noDb.toString());

        Cli.Outcome missing = cli.osc(cli.args("cleanup", "--database", db + "_missing", "--execute", "--state-schema",
                schema.name()));
        assertEquals(2, missing.code(), missing.toString());
        assertTrue(missing.err().contains("database " + db + "_missing does not exist"), missing.toString());
        assertEquals(tablesBefore, cli.tables(db));
    }
}
