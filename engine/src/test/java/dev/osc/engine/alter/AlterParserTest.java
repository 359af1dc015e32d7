package dev.osc.engine.alter;

import dev.osc.engine.OscException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Locale;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AlterParserTest {
    private static final String DB = "shop";
    private static final String TABLE = "orders";

    private static AlterSpec parse(String alter) {
        return AlterParser.parse(alter, DB, TABLE);
    }

    /** Parsing must fail with BAD_INPUT; returns the message, lower-cased, for checks on its wording. */
    private static String refused(String alter) {
        OscException e = assertThrows(OscException.class, () -> parse(alter), "expected a refusal of: " + alter);
        assertEquals(OscException.Kind.BAD_INPUT, e.kind(), e.getMessage());
        return e.getMessage().toLowerCase(Locale.ROOT);
    }

    private static void assertContains(String haystack, String... needles) {
        for (String n : needles) {
            assertTrue(haystack.contains(n.toLowerCase(Locale.ROOT)), "expected \"" + n + "\" in: " + haystack);
        }
    }

    // ---- accepted input ----

    @Test
    void bareClauseIsKeptAsWritten() {
        AlterSpec spec = parse("ADD COLUMN note VARCHAR(64)");
        assertEquals("ADD COLUMN note VARCHAR(64)", spec.clauses());
        assertEquals(Set.of("note"), spec.added());
        assertEquals(Set.of(), spec.dropped());
        assertEquals(Map.of(), spec.renamed());
        assertFalse(spec.changesPrimaryKey());
        assertEquals(1, spec.clauseSummaries().size());
    }

    @Test
    void severalBareClauses() {
        AlterSpec spec = parse("ADD COLUMN a INT, DROP COLUMN b, ADD INDEX k_a (a), MODIFY c BIGINT");
        assertEquals("ADD COLUMN a INT, DROP COLUMN b, ADD INDEX k_a (a), MODIFY c BIGINT", spec.clauses());
        assertEquals(Set.of("a"), spec.added());
        assertEquals(Set.of("b"), spec.dropped());
        assertEquals(Map.of(), spec.renamed());
        assertFalse(spec.changesPrimaryKey());
        assertEquals(4, spec.clauseSummaries().size());
    }

    @Test
    void fullStatementWithPlainTableName() {
        AlterSpec spec = parse("ALTER TABLE orders ADD COLUMN note VARCHAR(64)");
        assertEquals("ADD COLUMN note VARCHAR(64)", spec.clauses());
        assertEquals(Set.of("note"), spec.added());
    }

    @Test
    void fullStatementWithDatabaseQualifiedName() {
        AlterSpec spec = parse("ALTER TABLE shop.orders ADD COLUMN note VARCHAR(64)");
        assertEquals("ADD COLUMN note VARCHAR(64)", spec.clauses());
        assertEquals(Set.of("note"), spec.added());
    }

    @Test
    void fullStatementWithBacktickQuotedNames() {
        assertEquals("ADD COLUMN note INT", parse("ALTER TABLE `orders` ADD COLUMN note INT").clauses());
        assertEquals("ADD COLUMN note INT", parse("alter table `shop` . `orders` ADD COLUMN note INT").clauses());
        assertEquals("ADD COLUMN note INT", parse("ALTER TABLE `shop`.`orders` ADD COLUMN note INT").clauses());
    }

    @Test
    void tableNameMatchesCaseInsensitively() {
        assertEquals("DROP COLUMN x", parse("ALTER TABLE SHOP.Orders DROP COLUMN x").clauses());
    }

    @Test
    void backtickQuotedNameWithSpecialCharacters() {
        AlterSpec spec = AlterParser.parse("ALTER TABLE `my db`.`odd``name` ADD COLUMN z INT", "my db", "odd`name");
        assertEquals("ADD COLUMN z INT", spec.clauses());
        assertEquals(Set.of("z"), spec.added());
    }

    @Test
    void trailingSemicolonsAreRemoved() {
        assertEquals("ADD COLUMN note INT", parse("ADD COLUMN note INT;").clauses());
        assertEquals("ADD COLUMN note INT", parse("ALTER TABLE orders ADD COLUMN note INT ;  ").clauses());
        assertEquals("ADD COLUMN note INT", parse("  ADD COLUMN note INT;;\n").clauses());
    }

    @Test
    void algorithmAndLockOptionsAreRemoved() {
        assertEquals("ADD COLUMN y INT", parse("ALTER TABLE orders ADD COLUMN y INT, ALGORITHM=INPLACE, LOCK=NONE").clauses());
        assertEquals("ADD COLUMN y INT", parse("ALGORITHM=COPY, ADD COLUMN y INT").clauses());
        assertEquals("ADD COLUMN y INT, DROP COLUMN z",
                parse("ADD COLUMN y INT, LOCK = SHARED, DROP COLUMN z").clauses());
        assertEquals("ADD COLUMN y INT", parse("ADD COLUMN y INT, algorithm=instant").clauses());
    }

    @Test
    void algorithmInsideAColumnNameIsNotRemoved() {
        AlterSpec spec = parse("ADD COLUMN algorithm_name VARCHAR(10)");
        assertEquals("ADD COLUMN algorithm_name VARCHAR(10)", spec.clauses());
        assertEquals(Set.of("algorithm_name"), spec.added());
    }

    @Test
    void renameWithChangeIsRecordedUnderTheLowerCaseOldName() {
        AlterSpec spec = parse("CHANGE COLUMN OldName NewName INT");
        assertEquals(Map.of("oldname", "NewName"), spec.renamed());
        assertEquals(Set.of(), spec.dropped());
        assertEquals(Set.of(), spec.added());
    }

    @Test
    void renameWithBacktickQuotedChange() {
        AlterSpec spec = parse("CHANGE `B` `b2` BIGINT NOT NULL");
        assertEquals(Map.of("b", "b2"), spec.renamed());
    }

    @Test
    void changeKeepingTheNameIsNoRename() {
        AlterSpec spec = parse("CHANGE b b BIGINT");
        assertEquals(Map.of(), spec.renamed());
    }

    @Test
    void renameWithRenameColumn() {
        AlterSpec spec = parse("RENAME COLUMN Amount TO total");
        assertEquals(Map.of("amount", "total"), spec.renamed());
        assertEquals(Set.of(), spec.dropped());
    }

    @Test
    void droppedAndAddedColumns() {
        AlterSpec spec = parse("DROP COLUMN Legacy, DROP `Other`, ADD COLUMN Fresh INT, ADD COLUMN `Second` TEXT");
        assertEquals(Set.of("legacy", "other"), spec.dropped());
        assertEquals(Set.of("fresh", "second"), spec.added());
    }

    @Test
    void droppingAnIndexDropsNoColumn() {
        AlterSpec spec = parse("DROP INDEX k_a, DROP KEY k_b");
        assertEquals(Set.of(), spec.dropped());
    }

    @Test
    void droppingAndReAddingTheSameColumn() {
        AlterSpec spec = parse("DROP COLUMN b, ADD COLUMN b INT NOT NULL DEFAULT 7");
        assertEquals(Set.of("b"), spec.dropped());
        assertEquals(Set.of("b"), spec.added());
    }

    @Test
    void primaryKeyChanges() {
        assertTrue(parse("DROP PRIMARY KEY").changesPrimaryKey());
        assertTrue(parse("DROP PRIMARY KEY, ADD PRIMARY KEY (id, a)").changesPrimaryKey());
        assertTrue(parse("ADD PRIMARY KEY (id)").changesPrimaryKey());
        assertFalse(parse("ADD INDEX k (id)").changesPrimaryKey());
        assertFalse(parse("ADD UNIQUE KEY u (a)").changesPrimaryKey());
    }

    /** A bare clause may itself begin with ALTER (ALTER COLUMN ... SET DEFAULT), which is no ALTER TABLE prefix. */
    @Test
    void bareAlterColumnClauseIsAccepted() {
        AlterSpec spec = parse("ALTER COLUMN status SET DEFAULT 'new'");
        assertEquals("ALTER COLUMN status SET DEFAULT 'new'", spec.clauses());
        assertEquals(Set.of(), spec.dropped());
        assertEquals(Map.of(), spec.renamed());
    }

    @Test
    void innoDbEngineIsAccepted() {
        assertEquals("ENGINE=InnoDB", parse("ENGINE=InnoDB").clauses());
    }

    // ---- refusals ----

    @Test
    void refusesADifferentTable() {
        String m = refused("ALTER TABLE customers ADD COLUMN x INT");
        assertContains(m, "customers", "shop.orders");
    }

    @Test
    void refusesADifferentDatabase() {
        String m = refused("ALTER TABLE archive.orders ADD COLUMN x INT");
        assertContains(m, "archive.orders", "shop.orders");
    }

    @Test
    void refusesRenameTo() {
        String m = refused("RENAME TO orders_2024");
        assertContains(m, "rename", "rename table");
        String full = refused("ALTER TABLE orders RENAME TO orders_2024");
        assertContains(full, "rename table");
    }

    @Test
    void refusesAlterIgnore() {
        String m = refused("ALTER IGNORE TABLE orders ADD UNIQUE KEY u (a)");
        assertContains(m, "ignore", "remove ignore");
    }

    @Test
    void refusesTwoStatements() {
        String m = refused("ADD x INT; DROP TABLE y");
        assertTrue(m.contains("2 statements") || m.contains("cannot parse"), m);
        String full = refused("ALTER TABLE orders ADD x INT; ALTER TABLE orders ADD z INT");
        assertTrue(full.contains("statements") || full.contains("cannot parse"), full);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ADD COLUMN x INT INT (((", "ADD COLUMN", "DROP COLUMN", "MODIFY", "ADD COLUMN x INT,, DROP (",
            "ALTER TABLE orders ADD COLUMN ) x INT"})
    void refusesMalformedText(String alter) {
        String m = refused(alter);
        assertContains(m, "cannot parse --alter", "check the syntax");
    }

    @Test
    void refusesAnUnreadableTableName() {
        String m = refused("ALTER TABLE");
        assertContains(m, "table name");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", ";", " ;; "})
    void refusesEmpty(String alter) {
        String m = refused(alter);
        assertContains(m, "--alter is empty");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ALGORITHM=INPLACE", "ALGORITHM=INPLACE, LOCK=NONE", "ALTER TABLE orders LOCK=NONE"})
    void refusesOnlyAlgorithmOrLock(String alter) {
        String m = refused(alter);
        assertContains(m, "no change");
    }

    @Test
    void refusesDiscardTablespace() {
        String m = refused("DISCARD TABLESPACE");
        assertContains(m, "tablespace", "plain alter table");
    }

    @ParameterizedTest
    @ValueSource(strings = {"DROP PARTITION p0", "TRUNCATE PARTITION p0",
            "ADD PARTITION (PARTITION p9 VALUES LESS THAN (900))"})
    void refusesPartitionMaintenance(String alter) {
        String m = refused(alter);
        assertContains(m, "partition");
    }

    @Test
    void refusesANonInnoDbEngine() {
        String m = refused("ENGINE=MyISAM");
        assertContains(m, "myisam", "innodb");
    }

    @Test
    void refusesAddingAForeignKey() {
        String m = refused("ADD CONSTRAINT fk_c FOREIGN KEY (customer_id) REFERENCES customers (id)");
        assertContains(m, "foreign key");
        String bare = refused("ADD FOREIGN KEY (customer_id) REFERENCES customers (id)");
        assertContains(bare, "foreign key");
    }

    @Test
    void refusesDroppingAForeignKey() {
        String m = refused("DROP FOREIGN KEY fk_c");
        assertContains(m, "foreign key");
    }
}
