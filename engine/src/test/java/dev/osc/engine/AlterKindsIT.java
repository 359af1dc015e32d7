package dev.osc.engine;

import dev.osc.testing.TestServer;
import dev.osc.testing.TestServerExtension;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each kind of ALTER, run by osc on a table and by a plain ALTER TABLE on an identical control
 * table: afterwards both must have the same schema and the same rows.
 */
@ExtendWith(TestServerExtension.class)
class AlterKindsIT {
    private final TestServer server;

    AlterKindsIT(TestServer server) {
        this.server = server;
    }

    private static final String BASIC = "CREATE TABLE t (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, a VARCHAR(20),"
            + " b INT, c DATETIME(6), KEY k_a (a)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4";
    private static final String BASIC_INSERT = "INSERT INTO t (a, b, c) VALUES (?, ?, ?)";

    static Object[] basicRow(int i) {
        return new Object[] {i % 7 == 0 ? null : "name-" + i, i * 3 - 500, "2024-01-0" + (1 + i % 9) + " 10:00:00." + (100000 + i)};
    }

    static Stream<Arguments> kinds() {
        return Stream.of(
                Arguments.of("add column", BASIC, BASIC_INSERT, 1500, "ADD COLUMN note VARCHAR(20) NOT NULL DEFAULT 'n/a'"),
                Arguments.of("drop column", BASIC, BASIC_INSERT, 1500, "DROP COLUMN b"),
                Arguments.of("modify column", BASIC, BASIC_INSERT, 1500, "MODIFY b BIGINT NOT NULL DEFAULT 0"),
                Arguments.of("rename column with CHANGE", BASIC, BASIC_INSERT, 1500, "CHANGE b b2 INT"),
                Arguments.of("rename column with RENAME COLUMN", BASIC, BASIC_INSERT, 1500, "RENAME COLUMN a TO a2"),
                Arguments.of("add index", BASIC, BASIC_INSERT, 1500, "ADD INDEX k_b (b, c)"),
                Arguments.of("add unique index", BASIC, BASIC_INSERT, 1500, "ADD UNIQUE INDEX u_c (c, b)"),
                Arguments.of("drop index", BASIC, BASIC_INSERT, 1500, "DROP INDEX k_a"),
                Arguments.of("column reorder", BASIC, BASIC_INSERT, 1500, "MODIFY c DATETIME(6) FIRST, MODIFY a VARCHAR(20) AFTER b"),
                Arguments.of("drop and re-add a column of the same name", BASIC, BASIC_INSERT, 500,
                        "DROP COLUMN b, ADD COLUMN b INT NOT NULL DEFAULT 7"),
                Arguments.of("add stored and virtual generated columns", BASIC, BASIC_INSERT, 1500,
                        "ADD COLUMN g1 INT AS (b * 2) STORED, ADD COLUMN g2 VARCHAR(30) AS (CONCAT(a, '!')) VIRTUAL"),
                Arguments.of("whole ALTER TABLE statement with ALGORITHM", BASIC, BASIC_INSERT, 800,
                        "ALTER TABLE `t` ADD COLUMN y INT, ALGORITHM=INPLACE, LOCK=NONE"),
                Arguments.of("several clauses", BASIC, BASIC_INSERT, 800,
                        "ADD COLUMN z DECIMAL(10,2) DEFAULT 1.5, DROP INDEX k_a, ADD INDEX k_z (z), MODIFY a VARCHAR(40)"),
                Arguments.of("charset conversion latin1 to utf8mb4",
                        "CREATE TABLE t (id INT PRIMARY KEY, a VARCHAR(20), b TEXT) ENGINE=InnoDB DEFAULT CHARSET=latin1",
                        "INSERT INTO t (id, a, b) VALUES (?, ?, ?)", 1000,
                        "CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"),
                Arguments.of("composite primary key",
                        "CREATE TABLE t (tenant VARCHAR(10) NOT NULL, seq INT NOT NULL, v VARCHAR(20), PRIMARY KEY (tenant, seq))",
                        "INSERT INTO t (tenant, seq, v) VALUES (?, ?, ?)", 1500, "ADD COLUMN w INT DEFAULT 5, MODIFY v VARCHAR(30)"),
                Arguments.of("binary primary key with trailing zero bytes",
                        "CREATE TABLE t (id BINARY(16) NOT NULL PRIMARY KEY, v INT)",
                        "INSERT INTO t (id, v) VALUES (?, ?)", 1500, "ADD COLUMN w INT"),
                Arguments.of("varchar primary key, case-insensitive collation",
                        "CREATE TABLE t (code VARCHAR(32) NOT NULL PRIMARY KEY, v INT) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci",
                        "INSERT INTO t (code, v) VALUES (?, ?)", 1500, "ADD COLUMN w INT, MODIFY v BIGINT"),
                Arguments.of("empty table", BASIC, BASIC_INSERT, 0, "ADD COLUMN note VARCHAR(20)"),
                Arguments.of("one-row table", BASIC, BASIC_INSERT, 1, "ADD COLUMN note VARCHAR(20), DROP COLUMN c"));
    }

    @org.junit.jupiter.api.Test
    void autoIncrementCounterCarriesOverSoDeletedIdsAreNotReused() throws Exception {
        String db = server.createDatabase("autoinc");
        server.exec(db, BASIC);
        try (Connection c = server.connect(db)) {
            MigrationFixture.fill(c, BASIC_INSERT, 100, AlterKindsIT::basicRow);
            // the application used ids 101..150 and deleted them again; the counter stands at 151
            MigrationFixture.fill(c, BASIC_INSERT, 50, AlterKindsIT::basicRow);
            server.exec(db, "DELETE FROM t WHERE id > 100");
            new Migration(MigrationFixture.config(server, db, "t", "ADD COLUMN note VARCHAR(20)").build(),
                    MigrationListener.NONE).execute();
            server.exec(db, "INSERT INTO t (a) VALUES ('after')");
            try (var st = c.createStatement(); var rs = st.executeQuery("SELECT MAX(id) FROM t")) {
                rs.next();
                assertEquals(151, rs.getInt(1), "the next id continues after the deleted ones");
            }
        }
    }

    static Object[] rowFor(String insert, int i) {
        if (insert.startsWith("INSERT INTO t (id, a, b)")) {
            return new Object[] {i, "caf\u00e9-" + i + (i % 3 == 0 ? " \u00c5ngstr\u00f6m" : ""), "na\u00efve " + i};
        }
        if (insert.startsWith("INSERT INTO t (tenant")) {
            return new Object[] {"ten" + (i % 5), i, "v" + i};
        }
        if (insert.startsWith("INSERT INTO t (id, v)")) {
            byte[] id = new byte[16];
            byte[] digits = Integer.toString(i).getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(digits, 0, id, 0, digits.length);
            return new Object[] {id, i};
        }
        if (insert.startsWith("INSERT INTO t (code")) {
            return new Object[] {(i % 2 == 0 ? "Code-" : "code-") + i + (i % 10 == 0 ? "-\u00e9\u00f1" : ""), i};
        }
        return basicRow(i);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void migratedTableMatchesAPlainAlterOfTheSameRows(String name, String create, String insert, int rows, String alter)
            throws Exception {
        String db = server.createDatabase("kinds");
        try (Connection c = server.connect(db)) {
            server.exec(db, create);
            MigrationFixture.fill(c, insert, rows, i -> rowFor(insert, i));
            server.exec(db, "CREATE TABLE control LIKE t", "INSERT INTO control SELECT * FROM t");

            MigrationResult result = new Migration(MigrationFixture.config(server, db, "t", alter).build(),
                    MigrationListener.NONE).execute();

            String controlAlter = alter.startsWith("ALTER TABLE `t`") ? alter.replace("ALTER TABLE `t`", "ALTER TABLE control") : "ALTER TABLE control " + alter;
            server.exec(db, controlAlter);
            assertEquals(MigrationFixture.schema(c, db, "control"), MigrationFixture.schema(c, db, "t"), "schema");
            List<String> expected = MigrationFixture.rows(c, db, "control");
            assertEquals(rows, expected.size());
            assertEquals(expected, MigrationFixture.rows(c, db, "t"), "rows");
            assertEquals(rows, result.rowsCopied());
            assertEquals(rows, result.rowsChecked());
            List<String> osc = MigrationFixture.oscTables(c, db);
            assertEquals(List.of(result.plan().names().old()), osc, "only the old table is kept");
            assertFalse(osc.contains(result.plan().names().shadow()));
            assertTrue(result.lockMillis() >= 0);
        }
    }
}
