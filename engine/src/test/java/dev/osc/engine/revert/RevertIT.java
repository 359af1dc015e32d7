package dev.osc.engine.revert;

import dev.osc.engine.MigrationFixture;
import dev.osc.engine.MigrationResult;
import dev.osc.engine.Writers;
import dev.osc.testing.TestServer;
import dev.osc.testing.TestServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.sql.Connection;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reverts of real migrations: the old table comes back with exactly the rows the table has. */
@ExtendWith(TestServerExtension.class)
class RevertIT {
    private final TestServer server;

    RevertIT(TestServer server) {
        this.server = server;
    }

    private static final int ROWS = 3000;

    /**
     * Writers insert, update (also primary keys), delete and roll back on the table and a control
     * table in the same transactions, from before the migration until after the revert: through the
     * migration's cut-over, between it and the revert, and in every step of the revert. The revert
     * must leave the old schema and exactly the control's rows, and an AUTO_INCREMENT counter at
     * least that of the table it swapped out, so ids used since the cut-over are not handed out again.
     */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {11, 12})
    void noWriteIsLostWhileWritersRunThroughMigrationAndRevert(long seed) throws Exception {
        String db = server.createDatabase("revconc");
        String alter = "ADD COLUMN extra VARCHAR(10) NOT NULL DEFAULT 'x', MODIFY qty BIGINT, CHANGE legacy legacy2 VARCHAR(40)";
        server.exec(db, "CREATE TABLE t (id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, qty INT, label VARCHAR(30),"
                + " price DECIMAL(12,2), updated DATETIME(6), legacy VARCHAR(30), KEY k_qty (qty)) ENGINE=InnoDB");
        try (Connection c = server.connect(db)) {
            MigrationFixture.fill(c, "INSERT INTO t VALUES (?, ?, ?, ?, ?, ?)", ROWS,
                    i -> new Object[] {(long) i * 2, i % 100, "label-" + i, i + 0.25, "2024-05-01 00:00:00.000001", "old-" + i});
            server.exec(db, "CREATE TABLE control LIKE t", "INSERT INTO control SELECT * FROM t");
            AtomicLong nextId = new AtomicLong(ROWS * 2L + 1);
            // statements name their columns and leave the renamed one alone, so they work on both schemas
            Writers.Workload workload = (conn, random, tables) -> {
                int statements = 1 + random.nextInt(3);
                for (int s = 0; s < statements; s++) {
                    int op = random.nextInt(100);
                    long id = 2L * (1 + random.nextInt(ROWS + 1000));
                    if (op < 30) {
                        long newId = nextId.getAndIncrement();
                        int qty = random.nextInt(1000);
                        for (String table : tables) {
                            Writers.exec(conn, "INSERT INTO " + table + " (id, qty, label, price, updated) VALUES (?, ?, ?, ?, ?)",
                                    newId, qty, "ins-" + newId, newId / 3.0, "2026-01-01 00:00:00.25");
                        }
                    } else if (op < 65) {
                        int qty = random.nextInt(1000);
                        for (String table : tables) {
                            Writers.exec(conn, "UPDATE " + table + " SET qty = ?, label = CONCAT('upd-', ?) WHERE id = ?",
                                    qty, qty, id);
                        }
                    } else if (op < 80) {
                        long newId = nextId.getAndIncrement();
                        for (String table : tables) {
                            Writers.exec(conn, "UPDATE " + table + " SET id = ? WHERE id = ?", newId, id);
                        }
                    } else if (op < 95) {
                        for (String table : tables) {
                            Writers.exec(conn, "DELETE FROM " + table + " WHERE id = ?", id);
                        }
                    } else {
                        for (String table : tables) {
                            Writers.exec(conn, "UPDATE " + table + " SET price = price + 1 WHERE id BETWEEN ? AND ?", id, id + 20);
                        }
                    }
                }
            };

            RevertResult result;
            long counterBefore;
            try (Writers writers = Writers.start(server, db, 4, seed, null, workload)) {
                writers.awaitCommits(50);
                RevertFixture.migrate(server, MigrationFixture.config(server, db, "t", alter).build(),
                        writers.overlappingEveryPhase(20));
                writers.awaitCommits(50);
                // an id used and deleted after the cut-over: only the carried counter keeps it from coming back
                server.exec(db, "INSERT INTO t (id, qty) VALUES (1000000000, 1)", "DELETE FROM t WHERE id = 1000000000",
                        "INSERT INTO control (id, qty) VALUES (1000000000, 1)", "DELETE FROM control WHERE id = 1000000000");
                writers.awaitCommits(50);
                RevertListener overlap = new RevertListener() {
                    @Override
                    public void step(RevertStep step, String detail) {
                        if (step == RevertStep.CATCH_UP || step == RevertStep.VERIFY || step == RevertStep.CUT_OVER) {
                            try {
                                writers.awaitCommits(20);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        }
                    }
                };
                counterBefore = RevertFixture.autoIncrement(server, db, "t");
                result = new Revert(RevertFixture.config(server, db, "t"), overlap).execute();
                writers.awaitCommits(50);
                assertTrue(writers.commits() > 300, "writers committed " + writers.commits());
                assertTrue(writers.rollbacks() > 10, "writers rolled back " + writers.rollbacks());
            }
            assertTrue(result.plan().changedRows() > 0, "rows changed since the cut-over");

            assertEquals(MigrationFixture.schema(c, db, "control"), MigrationFixture.schema(c, db, "t"));
            List<String> expected = MigrationFixture.rows(c, db, "control");
            List<String> actual = MigrationFixture.rows(c, db, "t");
            assertTrue(expected.equals(actual), () -> MigrationFixture.difference(expected, actual));
            assertEquals(List.of(result.plan().keptAs()), MigrationFixture.oscTables(c, db));
            long counter = RevertFixture.autoIncrement(server, db, "t");
            assertTrue(counter > 1_000_000_000L, "AUTO_INCREMENT " + counter + " would hand out a used id again");
            assertTrue(counter >= counterBefore, "AUTO_INCREMENT " + counter + " is lower than before the revert, "
                    + counterBefore);
            assertTrue(counter >= RevertFixture.autoIncrement(server, db, result.plan().keptAs()),
                    "AUTO_INCREMENT lower than the swapped-out table's");
        }
    }

    /**
     * An ALTER that adds, renames, widens and drops columns, then writes to the new table (mirrored
     * on a control table of the old schema): the revert gives the old schema and the control's rows,
     * the dropped column's old values included.
     */
    @Test
    void revertsAddedRenamedConvertedAndDroppedColumns() throws Exception {
        String db = server.createDatabase("revkinds");
        server.exec(db, "CREATE TABLE t (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, qty INT NOT NULL, name VARCHAR(20),"
                        + " legacy VARCHAR(30), note VARCHAR(20) NOT NULL DEFAULT 'none', price DECIMAL(10,2),"
                        + " UNIQUE KEY u_name (name)) ENGINE=InnoDB",
                "CREATE TABLE control LIKE t");
        try (Connection c = server.connect(db)) {
            MigrationFixture.fill(c, "INSERT INTO t (id, qty, name, legacy, note, price) VALUES (?, ?, ?, ?, ?, ?)", 200,
                    i -> new Object[] {i, i * 10, "n" + i, "legacy-" + i, "note-" + i, i + 0.5});
            server.exec(db, "INSERT INTO control SELECT * FROM t");
            String alter = "ADD COLUMN extra VARCHAR(10) NOT NULL DEFAULT 'x', MODIFY qty BIGINT NOT NULL,"
                    + " MODIFY name VARCHAR(40), CHANGE legacy legacy2 VARCHAR(30), DROP COLUMN note";
            MigrationResult migrated = RevertFixture.migrate(server, db, "t", alter);
            String old = migrated.plan().names().old();

            // after the swap: writes on the new schema, and the same on the control in the old one
            server.exec(db,
                    "UPDATE t SET qty = qty + 1, name = CONCAT(name, '-u'), legacy2 = 'changed', extra = 'y' WHERE id <= 20",
                    "UPDATE control SET qty = qty + 1, name = CONCAT(name, '-u'), legacy = 'changed' WHERE id <= 20",
                    "DELETE FROM t WHERE id BETWEEN 21 AND 30",
                    "DELETE FROM control WHERE id BETWEEN 21 AND 30",
                    "INSERT INTO t (id, qty, name, legacy2, price) VALUES (1001, 7, 'new-1', 'l', 1.25), (1002, 8, NULL, NULL, NULL)",
                    "INSERT INTO control (id, qty, name, legacy, price) VALUES (1001, 7, 'new-1', 'l', 1.25), (1002, 8, NULL, NULL, NULL)",
                    // a unique value that moves from one row to another
                    "UPDATE t SET name = NULL WHERE id = 40", "UPDATE t SET name = 'n40' WHERE id = 41",
                    "UPDATE control SET name = NULL WHERE id = 40", "UPDATE control SET name = 'n40' WHERE id = 41");

            // writes while the revert runs: carried back under the count's and the swap's table locks,
            // where the dropped column's values are set aside in a temporary table too
            RevertListener writesDuringRevert = new RevertListener() {
                @Override
                public void step(RevertStep step, String detail) {
                    try {
                        if (step == RevertStep.VERIFY) {
                            server.exec(db, "UPDATE t SET qty = qty + 100, legacy2 = 'during' WHERE id = 50",
                                    "UPDATE control SET qty = qty + 100, legacy = 'during' WHERE id = 50");
                        } else if (step == RevertStep.CUT_OVER) {
                            server.exec(db, "UPDATE t SET name = 'last' WHERE id = 51", "DELETE FROM t WHERE id = 52",
                                    "INSERT INTO t (id, qty) VALUES (2001, 1)",
                                    "UPDATE control SET name = 'last' WHERE id = 51", "DELETE FROM control WHERE id = 52",
                                    "INSERT INTO control (id, qty) VALUES (2001, 1)");
                        }
                    } catch (java.sql.SQLException e) {
                        throw new IllegalStateException(e);
                    }
                }
            };
            RevertResult result = new Revert(RevertFixture.config(server, db, "t"), writesDuringRevert).execute();

            assertEquals(MigrationFixture.schema(c, db, "control"), MigrationFixture.schema(c, db, "t"));
            List<String> expected = MigrationFixture.rows(c, db, "control");
            List<String> actual = MigrationFixture.rows(c, db, "t");
            assertTrue(expected.equals(actual), () -> MigrationFixture.difference(expected, actual));
            assertEquals(List.of(result.plan().keptAs()), MigrationFixture.oscTables(c, db));
            assertTrue(result.plan().keptAs().startsWith("t_osc_rev_"), result.plan().keptAs());
            assertEquals(old, result.plan().oldTable());
            // 20 updated, 10 deleted, 2 inserted, 2 with the moved unique value
            assertEquals(34, result.plan().changedRows());
            assertEquals(38, result.rowsApplied(), "34 rows changed before the revert and 4 during");
            // counted before the last delete and insert, which leave the count as it was
            assertEquals(expected.size(), result.tableRows());
            assertEquals("reverted", RevertFixture.string(server, "SELECT outcome FROM " + RevertFixture.STATE.migrations()
                    + " WHERE database_name = ? AND table_name = 't'", db));
            assertEquals(result.plan().keptAs(), RevertFixture.string(server, "SELECT reverted_table FROM "
                    + RevertFixture.STATE.migrations() + " WHERE database_name = ? AND table_name = 't'", db));
        }
    }
}
