package dev.osc.engine.check;

import dev.osc.engine.ConnectionConfig;
import dev.osc.engine.Migration;
import dev.osc.engine.MigrationConfig;
import dev.osc.engine.MigrationFixture;
import dev.osc.engine.MigrationListener;
import dev.osc.engine.MigrationResult;
import dev.osc.engine.OscException;
import dev.osc.engine.alter.ColumnMapping;
import dev.osc.engine.inspect.Column;
import dev.osc.testing.TestServer;
import dev.osc.testing.TestServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every preflight refusal on a real server: the right kind of failure, a message that says what to
 * fix, and a database left exactly as it was (no osc tables, same schemas, same rows).
 */
@ExtendWith(TestServerExtension.class)
class PreflightIT {
    private static final String PLAIN = "CREATE TABLE t (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, a VARCHAR(20), b INT)"
            + " ENGINE=InnoDB";

    private final TestServer server;

    PreflightIT(TestServer server) {
        this.server = server;
    }

    // ---- helpers ----

    private String databaseWith(String prefix, String... sql) throws SQLException {
        String db = server.createDatabase(prefix);
        server.exec(db, sql);
        return db;
    }

    private void fillPlain(String db, int rows) throws SQLException {
        try (Connection c = server.connect(db)) {
            MigrationFixture.fill(c, "INSERT INTO t (a, b) VALUES (?, ?)", rows, i -> new Object[] {"a" + i, i});
        }
    }

    /** Every table of the database with its schema and row count. */
    private Map<String, String> snapshot(String db) throws SQLException {
        Map<String, String> out = new LinkedHashMap<>();
        try (Connection c = server.connect(null)) {
            for (String t : MigrationFixture.tables(c, db)) {
                String schema;
                try (Statement st = c.createStatement();
                     ResultSet rs = st.executeQuery("SHOW CREATE TABLE `" + db + "`.`" + t + "`")) {
                    rs.next();
                    schema = rs.getString(2);
                }
                long rows;
                try (Statement st = c.createStatement();
                     ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM `" + db + "`.`" + t + "`")) {
                    rs.next();
                    rows = rs.getLong(1);
                }
                out.put(t, schema + "\n-- rows: " + rows);
            }
        }
        return out;
    }

    private List<String> oscTables(String db) throws SQLException {
        try (Connection c = server.connect(null)) {
            return MigrationFixture.oscTables(c, db);
        }
    }

    private static MigrationConfig.Builder config(TestServer server, String db, String table, String alter) {
        return MigrationFixture.config(server, db, table, alter);
    }

    /** Runs the migration, expects it to be refused with {@code kind}, and checks nothing changed. */
    private OscException refused(MigrationConfig config, OscException.Kind kind) throws SQLException {
        String db = config.database();
        Map<String, String> before = snapshot(db);
        List<String> oscBefore = oscTables(db);
        OscException e = assertThrows(OscException.class,
                () -> new Migration(config, MigrationListener.NONE).execute());
        assertEquals(kind, e.kind(), "wrong kind for: " + e.getMessage());
        assertNotNull(e.getMessage());
        assertEquals(before, snapshot(db), "the database changed although the migration was refused: " + e.getMessage());
        assertEquals(oscBefore, oscTables(db), "osc left tables behind");
        return e;
    }

    private OscException refused(String db, String table, String alter, OscException.Kind kind) throws SQLException {
        OscException e = refused(config(server, db, table, alter).build(), kind);
        assertEquals(List.of(), oscTables(db));
        return e;
    }

    private static void assertMentions(OscException e, String... parts) {
        String m = e.getMessage().toLowerCase(Locale.ROOT);
        for (String p : parts) {
            assertTrue(m.contains(p.toLowerCase(Locale.ROOT)), "expected \"" + p + "\" in: " + e.getMessage());
        }
    }

    private static String uniqueUser(String prefix) {
        return prefix + "_" + Long.toString(ThreadLocalRandom.current().nextLong(1L << 30, 1L << 40), 36);
    }

    private String setGlobal(String variable, String value) throws SQLException {
        String old;
        try (Connection c = server.connect(null); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT @@GLOBAL." + variable)) {
            rs.next();
            old = rs.getString(1);
        }
        server.exec(null, "SET GLOBAL " + variable + " = '" + value + "'");
        return old;
    }

    // ---- the table itself ----

    @Test
    void tableDoesNotExist() throws SQLException {
        String db = databaseWith("pf_notable", PLAIN);
        OscException e = refused(db, "nosuch", "ADD COLUMN x INT", OscException.Kind.BAD_INPUT);
        assertMentions(e, "nosuch", "does not exist", "--table");
    }

    @Test
    void databaseDoesNotExist() throws SQLException {
        String db = "pf_nodb_" + Long.toString(ThreadLocalRandom.current().nextLong(1L << 30, 1L << 40), 36);
        OscException e = assertThrows(OscException.class,
                () -> new Migration(config(server, db, "t", "ADD COLUMN x INT").build(), MigrationListener.NONE).execute());
        assertEquals(OscException.Kind.BAD_INPUT, e.kind(), e.getMessage());
        assertMentions(e, db, "does not exist", "--database");
        try (Connection c = server.connect(null); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '" + db + "'")) {
            rs.next();
            assertEquals(0, rs.getInt(1), "osc created the database");
        }
    }

    @Test
    void tableWithoutPrimaryKey() throws SQLException {
        String db = databaseWith("pf_nopk", "CREATE TABLE t (id INT NOT NULL, a VARCHAR(20), KEY k (id)) ENGINE=InnoDB",
                "INSERT INTO t VALUES (1, 'x'), (2, 'y')");
        OscException e = refused(db, "t", "ADD COLUMN x INT", OscException.Kind.BAD_INPUT);
        assertMentions(e, "no primary key", "add primary key");
    }

    @Test
    void tableWithOnlyAUniqueKeyHasNoPrimaryKeyEither() throws SQLException {
        String db = databaseWith("pf_uniq", "CREATE TABLE t (id INT NULL, a VARCHAR(20), UNIQUE KEY u (id)) ENGINE=InnoDB");
        OscException e = refused(db, "t", "ADD COLUMN x INT", OscException.Kind.BAD_INPUT);
        assertMentions(e, "no primary key");
    }

    @Test
    void myIsamTable() throws SQLException {
        String db = databaseWith("pf_myisam", "CREATE TABLE t (id INT NOT NULL PRIMARY KEY, a VARCHAR(20)) ENGINE=MyISAM",
                "INSERT INTO t VALUES (1, 'x')");
        OscException e = refused(db, "t", "ADD COLUMN x INT", OscException.Kind.BAD_INPUT);
        assertMentions(e, "MyISAM", "InnoDB");
    }

    @Test
    void tableWithTriggers() throws SQLException {
        String db = databaseWith("pf_trig", PLAIN, "CREATE TABLE audit (n INT)",
                "CREATE TRIGGER t_after_insert AFTER INSERT ON t FOR EACH ROW INSERT INTO audit VALUES (NEW.id)");
        fillPlain(db, 3);
        OscException e = refused(db, "t", "ADD COLUMN x INT", OscException.Kind.BAD_INPUT);
        assertMentions(e, "trigger", "t_after_insert", "drop them");
    }

    @Test
    void foreignKeyFromTheTable() throws SQLException {
        String db = databaseWith("pf_fkfrom", "CREATE TABLE parent (id INT PRIMARY KEY) ENGINE=InnoDB",
                "CREATE TABLE t (id INT PRIMARY KEY, parent_id INT, CONSTRAINT fk_t_parent FOREIGN KEY (parent_id)"
                        + " REFERENCES parent (id)) ENGINE=InnoDB",
                "INSERT INTO parent VALUES (1)", "INSERT INTO t VALUES (1, 1)");
        OscException e = refused(db, "t", "ADD COLUMN x INT", OscException.Kind.BAD_INPUT);
        assertMentions(e, "foreign key", "fk_t_parent", "plain alter table");
    }

    @Test
    void foreignKeyToTheTableFromAnotherTable() throws SQLException {
        String db = databaseWith("pf_fkto", PLAIN,
                "CREATE TABLE child (id INT PRIMARY KEY, t_id INT, CONSTRAINT fk_child_t FOREIGN KEY (t_id)"
                        + " REFERENCES t (id)) ENGINE=InnoDB");
        fillPlain(db, 2);
        server.exec(db, "INSERT INTO child VALUES (1, 1)");
        OscException e = refused(db, "t", "ADD COLUMN x INT", OscException.Kind.BAD_INPUT);
        assertMentions(e, "foreign key", "child", "fk_child_t", "plain alter table");
    }

    @Test
    void floatPrimaryKey() throws SQLException {
        String db = databaseWith("pf_float", "CREATE TABLE t (id FLOAT NOT NULL PRIMARY KEY, a INT) ENGINE=InnoDB",
                "INSERT INTO t VALUES (1.5, 1)");
        OscException e = refused(db, "t", "ADD COLUMN x INT", OscException.Kind.BAD_INPUT);
        assertMentions(e, "primary key column id", "float", "cannot key on", "supported");
    }

    @Test
    void timePrimaryKey() throws SQLException {
        String db = databaseWith("pf_time", "CREATE TABLE t (id TIME NOT NULL PRIMARY KEY, a INT) ENGINE=InnoDB",
                "INSERT INTO t VALUES ('10:00:00', 1)");
        OscException e = refused(db, "t", "ADD COLUMN x INT", OscException.Kind.BAD_INPUT);
        assertMentions(e, "primary key column id", "time", "cannot key on");
    }

    @Test
    void prefixPrimaryKeyOnText() throws SQLException {
        String db = databaseWith("pf_pfxtext", "CREATE TABLE t (s TEXT NOT NULL, a INT, PRIMARY KEY (s(10))) ENGINE=InnoDB",
                "INSERT INTO t VALUES ('hello', 1)");
        OscException e = refused(db, "t", "ADD COLUMN x INT", OscException.Kind.BAD_INPUT);
        assertMentions(e, "prefix", "whole-column");
    }

    @Test
    void prefixPrimaryKeyOnVarchar() throws SQLException {
        String db = databaseWith("pf_pfxvc",
                "CREATE TABLE t (s VARCHAR(100) NOT NULL, a INT, PRIMARY KEY (s(10))) ENGINE=InnoDB",
                "INSERT INTO t VALUES ('hello', 1)");
        OscException e = refused(db, "t", "ADD COLUMN x INT", OscException.Kind.BAD_INPUT);
        assertMentions(e, "prefix", "whole-column");
    }

    // ---- the ALTER ----

    @Test
    void alterDropsAPrimaryKeyColumn() throws SQLException {
        String db = databaseWith("pf_droppk", "CREATE TABLE t (id INT NOT NULL PRIMARY KEY, v INT) ENGINE=InnoDB",
                "INSERT INTO t VALUES (1, 1), (2, 2)");
        OscException e = refused(db, "t", "DROP COLUMN id", OscException.Kind.BAD_INPUT);
        assertMentions(e, "drops primary key column id", "key columns must stay");
    }

    @Test
    void alterDropsAPrimaryKeyColumnAndAddsAnother() throws SQLException {
        String db = databaseWith("pf_droppk2", "CREATE TABLE t (id INT NOT NULL PRIMARY KEY, v INT) ENGINE=InnoDB",
                "INSERT INTO t VALUES (1, 1), (2, 2)");
        OscException e = refused(db, "t", "DROP COLUMN id, ADD COLUMN id2 INT NOT NULL AUTO_INCREMENT PRIMARY KEY",
                OscException.Kind.BAD_INPUT);
        assertMentions(e, "drops primary key column id", "key columns must stay");
    }

    @Test
    void alterChangesThePrimaryKey() throws SQLException {
        String db = databaseWith("pf_chpk", PLAIN);
        fillPlain(db, 5);
        OscException e = refused(db, "t", "DROP PRIMARY KEY, ADD PRIMARY KEY (id, b)", OscException.Kind.BAD_INPUT);
        assertMentions(e, "changes the primary key", "keep the key columns");
    }

    @Test
    void alterTheServerRejects() throws SQLException {
        String db = databaseWith("pf_srvrej", PLAIN);
        fillPlain(db, 5);
        OscException e = refused(db, "t", "DROP COLUMN nosuch", OscException.Kind.BAD_INPUT);
        assertMentions(e, "server refuses the alter", "nosuch", "fix --alter");
    }

    @Test
    void malformedAlter() throws SQLException {
        String db = databaseWith("pf_malformed", PLAIN);
        fillPlain(db, 5);
        OscException e = refused(db, "t", "ADD COLUMN x INT INT (((", OscException.Kind.BAD_INPUT);
        assertMentions(e, "cannot parse --alter", "check the syntax");
    }

    @Test
    void textThatIsNoAlterAtAll() throws SQLException {
        String db = databaseWith("pf_garbage", PLAIN);
        fillPlain(db, 5);
        OscException e = refused(db, "t", "this is not sql", OscException.Kind.BAD_INPUT);
        assertMentions(e, "--alter");
    }

    @Test
    void alterForAnotherTable() throws SQLException {
        String db = databaseWith("pf_othertable", PLAIN, "CREATE TABLE u (id INT PRIMARY KEY)");
        OscException e = refused(db, "t", "ALTER TABLE u ADD COLUMN x INT", OscException.Kind.BAD_INPUT);
        assertMentions(e, "names table u");
    }

    // ---- osc's own names ----

    @Test
    void leftoverShadowTableIsReportedAndKept() throws SQLException {
        String db = databaseWith("pf_leftover", PLAIN,
                "CREATE TABLE t_osc_new (id INT PRIMARY KEY, keepme VARCHAR(20))",
                "INSERT INTO t_osc_new VALUES (42, 'mine')");
        fillPlain(db, 5);
        OscException e = refused(config(server, db, "t", "ADD COLUMN x INT").build(), OscException.Kind.BAD_INPUT);
        assertMentions(e, "t_osc_new", "already exists", "drop table");
        assertEquals(List.of("t_osc_new"), oscTables(db));
        try (Connection c = server.connect(db); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT id, keepme FROM t_osc_new")) {
            assertTrue(rs.next());
            assertEquals(42, rs.getInt(1));
            assertEquals("mine", rs.getString(2));
            assertFalse(rs.next());
        }
    }

    // ---- the user and the server ----

    @Test
    void userLackingPrivileges() throws SQLException {
        String db = databaseWith("pf_priv", PLAIN);
        fillPlain(db, 5);
        String user = uniqueUser("osc_ro");
        String password = "Ro-Pass-" + user;
        server.exec(null, "CREATE USER '" + user + "'@'%' IDENTIFIED BY '" + password + "'",
                "GRANT SELECT ON `" + db + "`.* TO '" + user + "'@'%'");
        try {
            MigrationConfig config = config(server, db, "t", "ADD COLUMN x INT")
                    .connection(new ConnectionConfig(server.host(), server.port(), user, password)).build();
            OscException e = refused(config, OscException.Kind.SERVER);
            assertEquals(List.of(), oscTables(db));
            assertMentions(e, user, "lacks", "INSERT", "UPDATE", "DELETE", "CREATE", "DROP", "ALTER", "LOCK TABLES",
                    "CREATE TEMPORARY TABLES", "GRANT INSERT", "ON `" + db + "`.* TO '" + user + "'",
                    "REPLICATION SLAVE", "ON *.* TO '" + user + "'");
            if (server.isMariaDb()) {
                assertMentions(e, "BINLOG MONITOR");
            } else {
                assertMentions(e, "REPLICATION CLIENT");
            }
            assertFalse(e.getMessage().contains(password), "the message shows the password: " + e.getMessage());
        } finally {
            server.exec(null, "DROP USER '" + user + "'@'%'");
        }
    }

    @Test
    void userWithEveryPrivilegeIsNotRefusedForPrivileges() throws SQLException {
        String db = databaseWith("pf_privok", PLAIN);
        fillPlain(db, 5);
        String user = uniqueUser("osc_rw");
        String password = "Rw-Pass-" + user;
        server.createOscUser(user, password, db);
        try {
            MigrationConfig config = config(server, db, "t", "ADD COLUMN x INT")
                    .connection(new ConnectionConfig(server.host(), server.port(), user, password)).build();
            MigrationResult result = new Migration(config, MigrationListener.NONE).dryRun();
            assertFalse(result.executed());
            assertEquals(List.of("x"), result.plan().mapping().added().stream().map(Column::name).toList());
        } finally {
            server.exec(null, "DROP USER '" + user + "'@'%'");
        }
    }

    @Test
    void wrongPassword() throws SQLException {
        String db = databaseWith("pf_wrongpw", PLAIN);
        fillPlain(db, 5);
        String user = uniqueUser("osc_pw");
        String password = "Right-Pass-" + user;
        String wrong = "Wrong-Pass-" + user;
        server.exec(null, "CREATE USER '" + user + "'@'%' IDENTIFIED BY '" + password + "'",
                "GRANT ALL PRIVILEGES ON *.* TO '" + user + "'@'%'");
        try {
            MigrationConfig config = config(server, db, "t", "ADD COLUMN x INT")
                    .connection(new ConnectionConfig(server.host(), server.port(), user, wrong)).build();
            OscException e = refused(config, OscException.Kind.SERVER);
            assertEquals(List.of(), oscTables(db));
            assertMentions(e, "access denied", user, "password");
            for (Throwable t = e; t != null; t = t.getCause()) {
                String m = String.valueOf(t.getMessage());
                assertFalse(m.contains(wrong), "a message shows the password: " + m);
                assertFalse(m.contains(password), "a message shows the real password: " + m);
            }
            assertFalse(config.connection().toString().contains(wrong));
        } finally {
            server.exec(null, "DROP USER '" + user + "'@'%'");
        }
    }

    @Test
    void binlogRowMetadataMinimal() throws SQLException {
        String db = databaseWith("pf_rowmeta", PLAIN);
        fillPlain(db, 5);
        String old = setGlobal("binlog_row_metadata", "MINIMAL");
        try {
            OscException e = refused(db, "t", "ADD COLUMN x INT", OscException.Kind.SERVER);
            assertMentions(e, "binlog_row_metadata", "MINIMAL", "SET GLOBAL binlog_row_metadata=FULL");
        } finally {
            server.exec(null, "SET GLOBAL binlog_row_metadata = FULL");
        }
        assertEquals("FULL", old.toUpperCase(Locale.ROOT), "the server did not start with binlog_row_metadata=FULL");
    }

    @Test
    void binlogRowImageMinimal() throws SQLException {
        String db = databaseWith("pf_rowimage", PLAIN);
        fillPlain(db, 5);
        String old = setGlobal("binlog_row_image", "MINIMAL");
        try {
            OscException e = refused(db, "t", "ADD COLUMN x INT", OscException.Kind.SERVER);
            assertMentions(e, "binlog_row_image", "MINIMAL", "SET GLOBAL binlog_row_image=FULL");
        } finally {
            server.exec(null, "SET GLOBAL binlog_row_image = FULL");
        }
        assertEquals("FULL", old.toUpperCase(Locale.ROOT), "the server did not start with binlog_row_image=FULL");
    }

    @Test
    void serverAndInputProblemsAreReportedTogetherAsServerKind() throws SQLException {
        String db = databaseWith("pf_both", "CREATE TABLE t (id INT NOT NULL, a INT) ENGINE=InnoDB");
        setGlobal("binlog_row_image", "MINIMAL");
        try {
            OscException e = refused(db, "t", "ADD COLUMN x INT", OscException.Kind.SERVER);
            assertMentions(e, "2 problems", "binlog_row_image", "no primary key");
        } finally {
            server.exec(null, "SET GLOBAL binlog_row_image = FULL");
        }
    }

    // ---- dry run ----

    @Test
    void dryRunChangesNothingAndDescribesTheMapping() throws SQLException {
        String db = databaseWith("pf_dry", "CREATE TABLE t (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, a VARCHAR(20),"
                + " b INT, c DATETIME, old_name INT) ENGINE=InnoDB");
        try (Connection c = server.connect(db)) {
            MigrationFixture.fill(c, "INSERT INTO t (a, b, c, old_name) VALUES (?, ?, ?, ?)", 120,
                    i -> new Object[] {"a" + i, i, "2024-01-01 00:00:00", i * 2});
        }
        Map<String, String> before = snapshot(db);
        String schemaBefore;
        List<String> rowsBefore;
        try (Connection c = server.connect(db)) {
            schemaBefore = MigrationFixture.schema(c, db, "t");
            rowsBefore = MigrationFixture.rows(c, db, "t");
        }

        MigrationResult result = new Migration(
                config(server, db, "t", "ADD COLUMN note VARCHAR(64) DEFAULT 'n', DROP COLUMN b, CHANGE old_name new_name BIGINT")
                        .build(), MigrationListener.NONE).dryRun();

        assertFalse(result.executed());
        assertEquals(0, result.rowsCopied());
        assertEquals(before, snapshot(db));
        assertEquals(List.of(), oscTables(db));
        try (Connection c = server.connect(db)) {
            assertEquals(schemaBefore, MigrationFixture.schema(c, db, "t"));
            assertEquals(rowsBefore, MigrationFixture.rows(c, db, "t"));
            assertEquals(120, rowsBefore.size());
        }

        ColumnMapping mapping = result.plan().mapping();
        assertEquals(List.of("note"), mapping.added().stream().map(Column::name).toList());
        assertEquals(List.of("b"), mapping.dropped().stream().map(Column::name).toList());
        Map<String, String> copied = mapping.copied().stream()
                .collect(Collectors.toMap(p -> p.source().name(), p -> p.target().name(), (x, y) -> x, LinkedHashMap::new));
        assertEquals(Map.of("id", "id", "a", "a", "c", "c", "old_name", "new_name"), copied);
        assertEquals(Set.of("old_name"), mapping.copied().stream().filter(ColumnMapping.Pair::renamed)
                .map(p -> p.source().name()).collect(Collectors.toSet()));
        assertEquals(List.of("id"), mapping.key().stream().map(p -> p.target().name()).toList());

        List<String> description = result.plan().describe();
        String text = String.join("\n", description);
        assertTrue(text.contains("old_name: renamed to new_name"), text);
        assertTrue(text.contains("converted int(11) -> bigint(20)") || text.contains("converted int -> bigint"), text);
        assertTrue(text.contains("b: dropped"), text);
        assertTrue(text.contains("note: added"), text);
        assertTrue(text.contains("a: copied"), text);
        assertTrue(text.contains("t_osc_new"), text);
        assertTrue(result.plan().statements().stream().anyMatch(s -> s.startsWith("ALTER TABLE ")
                && s.endsWith("ADD COLUMN note VARCHAR(64) DEFAULT 'n', DROP COLUMN b, CHANGE old_name new_name BIGINT")),
                result.plan().statements().toString());
        assertEquals("t_osc_new", result.plan().names().shadow());
        assertTrue(result.plan().names().old().startsWith("t_osc_old_"), result.plan().names().old());
    }

    @Test
    void dryRunRefusesWhatExecuteRefuses() throws SQLException {
        String db = databaseWith("pf_dryrefuse", "CREATE TABLE t (id INT NOT NULL, a INT) ENGINE=InnoDB");
        Map<String, String> before = snapshot(db);
        OscException e = assertThrows(OscException.class,
                () -> new Migration(config(server, db, "t", "ADD COLUMN x INT").build(), MigrationListener.NONE).dryRun());
        assertEquals(OscException.Kind.BAD_INPUT, e.kind());
        assertMentions(e, "no primary key");
        assertEquals(before, snapshot(db));
    }
}
