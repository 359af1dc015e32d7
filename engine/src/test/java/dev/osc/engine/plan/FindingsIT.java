package dev.osc.engine.plan;

import dev.osc.engine.MigrationFixture;
import dev.osc.engine.alter.AlterParser;
import dev.osc.engine.alter.AlterSpec;
import dev.osc.engine.alter.ColumnMapping;
import dev.osc.engine.db.Queries;
import dev.osc.engine.db.Sql;
import dev.osc.engine.inspect.Inspector;
import dev.osc.engine.inspect.TableInfo;
import dev.osc.testing.TestServer;
import dev.osc.testing.TestServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each data-checked finding on a table whose data triggers it and on one whose data does not. The
 * context is built as the planner builds it: a TEMPORARY probe table LIKE the table with the ALTER
 * applied, in the same session, and the column mapping between the two.
 */
@ExtendWith(TestServerExtension.class)
class FindingsIT {
    private final TestServer server;

    FindingsIT(TestServer server) {
        this.server = server;
    }

    /** A new database with table {@code t} made by {@code create} and filled by {@code inserts}. */
    private String table(String create, String... inserts) throws SQLException {
        String db = server.createDatabase("findings");
        server.exec(db, create);
        if (inserts.length > 0) {
            server.exec(db, inserts);
        }
        return db;
    }

    /** Runs every standard check against {@code clauses} on {@code db.t}; checks that they left the session as it was. */
    private List<Finding> plan(String db, String clauses) throws SQLException {
        try (Connection c = server.connect(db)) {
            String probe = Sql.quote(db, "t_probe");
            Queries.exec(c, "CREATE TEMPORARY TABLE " + probe + " LIKE " + Sql.quote(db, "t"));
            Queries.exec(c, "ALTER TABLE " + probe + " " + clauses);
            AlterSpec spec = AlterParser.parse(clauses, db, "t");
            Inspector inspector = new Inspector(c);
            TableInfo source = inspector.table(db, "t").orElseThrow();
            TableInfo target = inspector.temporaryTable(db, "t_probe");
            FindingContext ctx = new FindingContext(c, source, target, probe, spec, ColumnMapping.build(source, target, spec));
            String mode = Queries.string(c, "SELECT @@SESSION.sql_mode").orElse("");
            int isolation = c.getTransactionIsolation();
            List<Finding> findings = new ArrayList<>();
            for (FindingCheck check : Findings.standard()) {
                findings.addAll(check.check(ctx));
            }
            assertEquals(mode, Queries.string(c, "SELECT @@SESSION.sql_mode").orElse(""), "sql_mode restored");
            assertEquals(isolation, c.getTransactionIsolation(), "isolation level restored");
            assertEquals(0, Queries.number(c, "SELECT COUNT(*) FROM " + probe), "the probe stays empty");
            return findings;
        }
    }

    private static List<Finding> withCode(List<Finding> findings, String code) {
        return findings.stream().filter(f -> f.code().equals(code)).toList();
    }

    private static Finding only(List<Finding> findings, String code) {
        List<Finding> matching = withCode(findings, code);
        assertEquals(1, matching.size(), () -> "one " + code + " in " + findings);
        return matching.get(0);
    }

    private static Finding about(List<Finding> findings, String code, String column) {
        Optional<Finding> f = withCode(findings, code).stream().filter(x -> x.message().contains("column " + column + " ")).findFirst();
        assertTrue(f.isPresent(), () -> code + " about " + column + " in " + findings);
        return f.get();
    }

    private static void absent(List<Finding> findings, String code) {
        assertEquals(List.of(), withCode(findings, code), () -> "no " + code + " expected");
    }

    @Test
    void standardRunsTheFiveChecks() {
        assertEquals(5, Findings.standard().size());
    }

    // DUPLICATE_KEY

    private static final String PEOPLE = "CREATE TABLE t (id INT PRIMARY KEY, email VARCHAR(50), a VARCHAR(10), b INT)"
            + " DEFAULT CHARSET=utf8mb4";

    @Test
    void uniqueKeyOverDuplicatesIsABlockerCountingGroups() throws Exception {
        String db = table(PEOPLE, "INSERT INTO t (id, email) VALUES (1, 'a@x'), (2, 'a@x'), (3, 'b@x'), (4, 'a@x'),"
                + " (5, 'b@x'), (6, 'c@x'), (7, NULL), (8, NULL)");
        Finding f = only(plan(db, "ADD UNIQUE KEY u_email (email)"), DuplicateKeyCheck.CODE);
        assertEquals(Severity.BLOCKER, f.severity());
        assertEquals(2, f.count());
        assertEquals(List.of("email = 'a@x' \u00d73", "email = 'b@x' \u00d72"), f.examples());
        assertTrue(f.message().contains("u_email") && f.message().contains("2 key values"), f.message());
    }

    @Test
    void uniqueKeyOverRepeatedNullsOnlyIsFine() throws Exception {
        String db = table(PEOPLE, "INSERT INTO t (id, email) VALUES (1, 'a@x'), (2, NULL), (3, 'b@x'), (4, NULL), (5, NULL)");
        absent(plan(db, "ADD UNIQUE KEY u_email (email)"), DuplicateKeyCheck.CODE);
    }

    @Test
    void compositeUniqueKeyCollidesOnlyWhereAllColumnsAreEqualAndNotNull() throws Exception {
        String db = table(PEOPLE, "INSERT INTO t (id, a, b) VALUES (1, 'x', 3), (2, 'x', 3), (3, 'x', 3), (4, 'x', 3),"
                + " (5, 'x', 4), (6, 'y', 3), (7, 'y', NULL), (8, 'y', NULL), (9, NULL, 5), (10, NULL, 5)");
        Finding f = only(plan(db, "ADD UNIQUE KEY u_ab (a, b)"), DuplicateKeyCheck.CODE);
        assertEquals(1, f.count());
        assertEquals(List.of("(a, b) = ('x', 3) \u00d74"), f.examples());

        String clean = table(PEOPLE, "INSERT INTO t (id, a, b) VALUES (1, 'x', 3), (2, 'x', 4), (3, 'y', 3), (4, 'y', NULL),"
                + " (5, 'y', NULL)");
        absent(plan(clean, "ADD UNIQUE KEY u_ab (a, b)"), DuplicateKeyCheck.CODE);
    }

    @Test
    void uniqueKeyOnAnAddedColumnWithADefaultCollidesOnEveryRow() throws Exception {
        String db = table(PEOPLE, "INSERT INTO t (id) VALUES (1), (2), (3), (4), (5), (6), (7)");
        Finding f = only(plan(db, "ADD COLUMN code INT NOT NULL DEFAULT 0, ADD UNIQUE KEY u_code (code)"), DuplicateKeyCheck.CODE);
        assertEquals(Severity.BLOCKER, f.severity());
        assertEquals(1, f.count());
        assertEquals(List.of("code = 0 \u00d77"), f.examples());
        assertTrue(f.message().contains("added column code"), f.message());

        // with an existing column: the rows collide where that column repeats
        Finding mixed = only(plan(table(PEOPLE, "INSERT INTO t (id, a) VALUES (1, 'p'), (2, 'p'), (3, 'q')"),
                "ADD COLUMN tag VARCHAR(5) NOT NULL DEFAULT 'n/a', ADD UNIQUE KEY u_a_tag (a, tag)"), DuplicateKeyCheck.CODE);
        assertEquals(List.of("(a, tag) = ('p', 'n/a') \u00d72"), mixed.examples());
    }

    @Test
    void uniqueKeyOnAnAddedColumnThatIsNullOrAutoIncrementIsFine() throws Exception {
        String db = table(PEOPLE, "INSERT INTO t (id) VALUES (1), (2), (3)");
        absent(plan(db, "ADD COLUMN code INT NULL, ADD UNIQUE KEY u_code (code)"), DuplicateKeyCheck.CODE);
        absent(plan(db, "ADD COLUMN seq INT NOT NULL AUTO_INCREMENT, ADD UNIQUE KEY u_seq (seq)"), DuplicateKeyCheck.CODE);
        absent(plan(table(PEOPLE, "INSERT INTO t (id) VALUES (1)"),
                "ADD COLUMN code INT NOT NULL DEFAULT 0, ADD UNIQUE KEY u_code (code)"), DuplicateKeyCheck.CODE);
    }

    @Test
    void prefixKeyComparesOnlyThePrefix() throws Exception {
        String db = table(PEOPLE, "INSERT INTO t (id, email) VALUES (1, 'abc1'), (2, 'abc2'), (3, 'abd1')");
        Finding f = only(plan(db, "ADD UNIQUE KEY u_email (email(3))"), DuplicateKeyCheck.CODE);
        assertEquals(List.of("email(3) = 'abc' \u00d72"), f.examples());
        absent(plan(db, "ADD UNIQUE KEY u_email (email(4))"), DuplicateKeyCheck.CODE);
    }

    @Test
    void collationChangeIsComparedUnderTheNewCollation() throws Exception {
        String db = table("CREATE TABLE t (id INT PRIMARY KEY, code VARCHAR(10) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,"
                + " UNIQUE KEY u_code (code))", "INSERT INTO t VALUES (1, 'abc'), (2, 'ABC'), (3, 'Abc'), (4, 'xyz')");
        Finding f = only(plan(db, "MODIFY code VARCHAR(10) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci"),
                DuplicateKeyCheck.CODE);
        assertEquals(1, f.count());
        assertTrue(f.examples().get(0).endsWith("\u00d73"), f.examples().toString());
        // the same key, kept as it is, is enforced by the table already
        absent(plan(db, "ADD COLUMN z INT"), DuplicateKeyCheck.CODE);
    }

    @Test
    void valueChangesAreCountedAcrossChunks() throws Exception {
        String db = table("CREATE TABLE t (id INT PRIMARY KEY, s VARCHAR(20)) DEFAULT CHARSET=utf8mb4");
        try (Connection c = server.connect(db)) {
            MigrationFixture.fill(c, "INSERT INTO t VALUES (?, ?)", 3 * ValueFitCheck.CHUNK_ROWS + 5,
                    i -> new Object[] {i, i % 1000 == 0 ? "long value " + i : "v" + (i % 50)});
        }
        List<Finding> findings = plan(db, "MODIFY s VARCHAR(8), ADD UNIQUE KEY u_s (s)");
        Finding f = only(findings, ValueFitCheck.CODE);
        assertEquals(30, f.count());
        assertEquals(List.of("id=1000: 'long value 1000' -> 'long val'", "id=2000: 'long value 2000' -> 'long val'",
                "id=3000: 'long value 3000' -> 'long val'", "id=4000: 'long value 4000' -> 'long val'",
                "id=5000: 'long value 5000' -> 'long val'"), f.examples());
        // 'v0' .. 'v49' repeat, and the truncated long values collide with each other as 'long val'
        Finding dup = only(findings, DuplicateKeyCheck.CODE);
        assertEquals(51, dup.count());
        assertEquals(5, dup.examples().size());
        assertTrue(dup.examples().stream().allMatch(e -> e.startsWith("s = 'v")), dup.examples()::toString);
    }

    // VALUE_CHANGE

    private static final String TYPES = "CREATE TABLE t (id INT PRIMARY KEY, s VARCHAR(20), n BIGINT, d DECIMAL(10,4),"
            + " ts DATETIME(6), u VARCHAR(10) CHARACTER SET utf8mb4, f DOUBLE, w INT, l VARCHAR(10) CHARACTER SET latin1,"
            + " v VARCHAR(10), dt DATETIME, num VARCHAR(10)) DEFAULT CHARSET=utf8mb4";
    private static final String[] TYPE_ROWS = {
        "INSERT INTO t VALUES (1, 'abcdefg', 300, 1.2345, '2024-01-01 10:00:00.123456', CONVERT(X'F09F9880' USING utf8mb4),"
                + " 0.1, 2147483647, CONVERT(X'E9' USING latin1), 'abcdefghij', '2024-02-03 04:05:06', '12abc')",
        "INSERT INTO t VALUES (2, 'ab', 5, 1.23, '2024-01-01 10:00:00', 'plain', 0.5, -7, 'plain', 'v', '2024-01-01', '42')",
        "INSERT INTO t (id) VALUES (3)"};

    @Test
    void lossyConversionsAreBlockersNamingTheChangedValues() throws Exception {
        String db = table(TYPES, TYPE_ROWS);
        List<Finding> findings = plan(db, "MODIFY s VARCHAR(5), MODIFY n TINYINT, MODIFY d DECIMAL(10,2), MODIFY ts DATETIME,"
                + " MODIFY u VARCHAR(10) CHARACTER SET latin1, MODIFY f FLOAT, MODIFY num INT");
        assertEquals(7, withCode(findings, ValueFitCheck.CODE).size(), findings::toString);
        for (Finding f : withCode(findings, ValueFitCheck.CODE)) {
            assertEquals(Severity.BLOCKER, f.severity());
            assertEquals(1, f.count(), f::toString);
        }
        assertEquals(List.of("id=1: 'abcdefg' -> 'abcde'"), about(findings, ValueFitCheck.CODE, "s").examples());
        assertEquals(List.of("id=1: 300 -> 127"), about(findings, ValueFitCheck.CODE, "n").examples());
        assertEquals(List.of("id=1: 1.2345 -> 1.23"), about(findings, ValueFitCheck.CODE, "d").examples());
        assertEquals(List.of("id=1: '2024-01-01 10:00:00.123456' -> '2024-01-01 10:00:00'"),
                about(findings, ValueFitCheck.CODE, "ts").examples());
        assertEquals(List.of("id=1: '\uD83D\uDE00' -> '?'"), about(findings, ValueFitCheck.CODE, "u").examples());
        assertEquals(List.of("id=1: 0.1 -> 0.10000000149011612"), about(findings, ValueFitCheck.CODE, "f").examples());
        assertEquals(List.of("id=1: '12abc' -> 12"), about(findings, ValueFitCheck.CODE, "num").examples());
        assertTrue(about(findings, ValueFitCheck.CODE, "s").message().contains("varchar(20)"));
    }

    @Test
    void faithfulConversionsChangeNoValue() throws Exception {
        String db = table(TYPES, TYPE_ROWS);
        absent(plan(db, "MODIFY w BIGINT, MODIFY l VARCHAR(10) CHARACTER SET utf8mb4, MODIFY v VARCHAR(30),"
                + " MODIFY dt DATETIME(6), MODIFY d DECIMAL(12,6), MODIFY f DOUBLE PRECISION, MODIFY s TEXT, MODIFY n DECIMAL(30,0)"),
                ValueFitCheck.CODE);
    }

    @Test
    void edgeValuesThroughFaithfulConversionsChangeNoValue() throws Exception {
        String db = table("CREATE TABLE t (id INT PRIMARY KEY, u64 BIGINT UNSIGNED, dt DATETIME, tm TIME, en ENUM('a', 'b'),"
                        + " bt BIT(8), vb VARBINARY(5), i8 TINYINT, f FLOAT, c CHAR(5) CHARACTER SET latin1, y YEAR)",
                "INSERT INTO t VALUES (1, 18446744073709551615, '0000-00-00 00:00:00', '-838:59:59', 'b', b'11111111', X'00FF',"
                        + " -128, -1.5, 'pad', 2155)",
                "INSERT INTO t VALUES (2, 0, '9999-12-31 23:59:59', '00:00:00', 'a', b'0', X'', 127, 3.4e38, '', 1901)",
                "INSERT INTO t (id) VALUES (3)");
        absent(plan(db, "MODIFY u64 DECIMAL(20,0) UNSIGNED, MODIFY dt DATETIME(6), MODIFY tm TIME(3), MODIFY en ENUM('a', 'b', 'c'),"
                + " MODIFY bt BIT(16), MODIFY vb VARBINARY(10), MODIFY i8 SMALLINT, MODIFY f DOUBLE,"
                + " MODIFY c VARCHAR(10) CHARACTER SET utf8mb4, MODIFY y SMALLINT"), ValueFitCheck.CODE);
        List<Finding> lossy = plan(db, "MODIFY en ENUM('a'), MODIFY vb VARBINARY(1)");
        assertEquals(List.of("id=1: 'b' -> ''"), about(lossy, ValueFitCheck.CODE, "en").examples());
        assertEquals(List.of("id=1: 0x00FF -> 0x00"), about(lossy, ValueFitCheck.CODE, "vb").examples());
    }

    @Test
    void valuesThatFitANarrowerTypeAreNotFlagged() throws Exception {
        String db = table(TYPES, "INSERT INTO t (id, s, n) VALUES (1, 'abc', 100), (2, NULL, NULL), (3, 'abcde', -128)");
        absent(plan(db, "MODIFY s VARCHAR(5), MODIFY n TINYINT"), ValueFitCheck.CODE);
        List<Finding> findings = plan(db, "MODIFY s VARCHAR(3), MODIFY n TINYINT UNSIGNED");
        assertEquals(2, withCode(findings, ValueFitCheck.CODE).size(), findings::toString);
        assertEquals(List.of("id=3: 'abcde' -> 'abc'"), about(findings, ValueFitCheck.CODE, "s").examples());
        assertEquals(List.of("id=3: -128 -> 0"), about(findings, ValueFitCheck.CODE, "n").examples());
    }

    @Test
    void nullsGoingIntoANotNullColumnAreLeftToTheNotNullCheck() throws Exception {
        String db = table(TYPES, TYPE_ROWS);
        List<Finding> findings = plan(db, "MODIFY v VARCHAR(30) NOT NULL");
        absent(findings, ValueFitCheck.CODE);
        Finding f = only(findings, NotNullCheck.CODE);
        assertEquals(1, f.count());
        assertEquals(List.of("id=3"), f.examples());
    }

    // NULL_INTO_NOT_NULL

    @Test
    void notNullOverNullsIsABlockerNamingTheKeys() throws Exception {
        String db = table("CREATE TABLE t (tenant VARCHAR(5) NOT NULL, seq INT NOT NULL, note VARCHAR(10), PRIMARY KEY (tenant, seq))",
                "INSERT INTO t VALUES ('a', 1, 'x'), ('a', 2, NULL), ('b', 1, 'y'), ('b', 7, NULL), ('c', 3, NULL)");
        Finding f = only(plan(db, "MODIFY note VARCHAR(10) NOT NULL"), NotNullCheck.CODE);
        assertEquals(Severity.BLOCKER, f.severity());
        assertEquals(3, f.count());
        assertEquals(List.of("(tenant, seq)=('a', 2)", "(tenant, seq)=('b', 7)", "(tenant, seq)=('c', 3)"), f.examples());
        assertTrue(f.message().contains("column note ") && f.message().contains("3 rows hold NULL"), f.message());
    }

    @Test
    void notNullWithoutNullsIsFine() throws Exception {
        String db = table("CREATE TABLE t (id INT PRIMARY KEY, note VARCHAR(10))", "INSERT INTO t VALUES (1, 'x'), (2, 'y')");
        absent(plan(db, "MODIFY note VARCHAR(10) NOT NULL"), NotNullCheck.CODE);
        absent(plan(db, "MODIFY note VARCHAR(10) NOT NULL DEFAULT ''"), NotNullCheck.CODE);
    }

    // DROP_ADD_SAME_TYPE

    @Test
    void dropAndAddOfTheSameTypeAsksForARename() throws Exception {
        String db = table(PEOPLE, "INSERT INTO t (id, a) VALUES (1, 'x')");
        Finding f = only(plan(db, "DROP COLUMN a, ADD COLUMN a2 VARCHAR(10)"), DropAddCheck.CODE);
        assertEquals(Severity.WARNING, f.severity());
        assertTrue(f.message().contains("did you mean RENAME COLUMN `a` TO `a2`?"), f.message());
        assertTrue(f.message().contains("the values of a would be lost"), f.message());

        Finding again = only(plan(db, "DROP COLUMN b, ADD COLUMN b INT NOT NULL DEFAULT 7"), DropAddCheck.CODE);
        assertTrue(again.message().contains("MODIFY COLUMN `b`"), again.message());
    }

    @Test
    void dropAndAddOfAnotherTypeIsNoRename() throws Exception {
        String db = table(PEOPLE, "INSERT INTO t (id, a) VALUES (1, 'x')");
        absent(plan(db, "DROP COLUMN a, ADD COLUMN a2 INT"), DropAddCheck.CODE);
        absent(plan(db, "RENAME COLUMN a TO a2"), DropAddCheck.CODE);
    }

    // NOT_REVERSIBLE

    @Test
    void droppedAndWidenedColumnsCannotBeReverted() throws Exception {
        String db = table(PEOPLE, "INSERT INTO t (id, b) VALUES (1, 1)");
        Finding dropped = only(plan(db, "DROP COLUMN a"), RevertCheck.CODE);
        assertEquals(Severity.WARNING, dropped.severity());
        assertTrue(dropped.message().startsWith("column a is dropped"), dropped.message());

        Finding widened = only(plan(db, "MODIFY b BIGINT"), RevertCheck.CODE);
        assertTrue(widened.message().contains("column b changes from int(11) to bigint(20)"), widened.message());

        List<Finding> several = withCode(plan(db, "MODIFY a VARCHAR(50), MODIFY email VARCHAR(50) CHARACTER SET utf8mb4 NOT NULL,"
                + " MODIFY b INT NULL"), RevertCheck.CODE);
        assertEquals(1, several.size(), several::toString);
        assertTrue(several.get(0).message().contains("column a "), several.toString());
    }

    @Test
    void addingColumnsIndexesAndNarrowingCanBeReverted() throws Exception {
        String db = table("CREATE TABLE t (id INT PRIMARY KEY, a VARCHAR(20), b BIGINT, c DATETIME(6), e ENUM('x', 'y', 'z'),"
                + " l VARCHAR(10) CHARACTER SET utf8mb4, UNIQUE KEY u_a (a))", "INSERT INTO t (id, a) VALUES (1, 'x')");
        absent(plan(db, "ADD COLUMN note VARCHAR(20) NOT NULL DEFAULT 'n/a', ADD INDEX k_b (b), ADD UNIQUE KEY u_b (b)"),
                RevertCheck.CODE);
        absent(plan(db, "MODIFY a VARCHAR(10), MODIFY b INT, MODIFY c DATETIME, MODIFY e ENUM('x', 'y'),"
                + " MODIFY l VARCHAR(10) CHARACTER SET latin1"), RevertCheck.CODE);
        absent(plan(db, "RENAME COLUMN a TO a2"), RevertCheck.CODE);
    }

    @Test
    void aUniqueKeyUnderACoarserCollationStillHoldsAndUnderAFinerOneDoesNot() throws Exception {
        String bin = table("CREATE TABLE t (id INT PRIMARY KEY, a VARCHAR(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,"
                + " UNIQUE KEY u_a (a))", "INSERT INTO t VALUES (1, 'x')");
        absent(plan(bin, "MODIFY a VARCHAR(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci"), RevertCheck.CODE);
        String ci = table("CREATE TABLE t (id INT PRIMARY KEY, a VARCHAR(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci,"
                + " UNIQUE KEY u_a (a))", "INSERT INTO t VALUES (1, 'x')");
        Finding f = only(plan(ci, "MODIFY a VARCHAR(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"), RevertCheck.CODE);
        assertTrue(f.message().startsWith("unique key u_a (a) no longer holds"), f.message());
    }

    @Test
    void droppingAUniqueKeyCannotBeReverted() throws Exception {
        String db = table("CREATE TABLE t (id INT PRIMARY KEY, a VARCHAR(20), UNIQUE KEY u_a (a))", "INSERT INTO t VALUES (1, 'x')");
        Finding f = only(plan(db, "DROP INDEX u_a"), RevertCheck.CODE);
        assertTrue(f.message().startsWith("unique key u_a (a) no longer holds"), f.message());
        absent(plan(db, "DROP INDEX u_a, ADD UNIQUE KEY u_a2 (a)"), RevertCheck.CODE);
        absent(plan(db, "ADD COLUMN z INT"), RevertCheck.CODE);
    }
}
