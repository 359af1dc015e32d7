package dev.osc.engine;

import dev.osc.engine.copy.ReadMode;
import dev.osc.testing.TestServer;
import dev.osc.testing.TestServerExtension;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.sql.Connection;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Writers insert, update (also primary keys), delete and roll back while a migration runs, from
 * before the copy until after the swap, on the table and on a control table in the same
 * transactions. Afterwards the control gets the same ALTER as a plain ALTER TABLE and every row
 * must be equal: no write lost, none applied twice, none resurrected. The writers' statements name
 * their columns and leave the renamed one alone, so they work on both schemas, as an application
 * written for a compatible change does.
 */
@ExtendWith(TestServerExtension.class)
class ConcurrencyIT {
    private static final int ROWS = 5000;
    private final TestServer server;

    ConcurrencyIT(TestServer server) {
        this.server = server;
    }

    @ParameterizedTest(name = "seed {0}, {1} copy workers, {2} reads, {3} apply transactions")
    @CsvSource({"1, 1, CONSISTENT, 1", "2, 2, CONSISTENT, 2", "3, 4, CONSISTENT, 3", "4, 1, LOCKING, 1", "5, 4, LOCKING, 2"})
    void noWriteIsLostUnderConcurrentWriters(long seed, int threads, ReadMode reads, int applyThreads) throws Exception {
        String db = server.createDatabase("conc");
        String alter = "ADD COLUMN extra VARCHAR(10) NOT NULL DEFAULT 'x', MODIFY qty BIGINT, CHANGE legacy legacy2 VARCHAR(40)";
        server.exec(db, "CREATE TABLE t (id BIGINT NOT NULL PRIMARY KEY, qty INT, label VARCHAR(30), price DECIMAL(12,2),"
                + " updated DATETIME(6), legacy VARCHAR(30), KEY k_qty (qty))");
        try (Connection c = server.connect(db)) {
            MigrationFixture.fill(c, "INSERT INTO t VALUES (?, ?, ?, ?, ?, ?)", ROWS,
                    i -> new Object[] {(long) i * 2, i % 100, "label-" + i, i + 0.25, "2024-05-01 00:00:00.000001", "old-" + i});
            server.exec(db, "CREATE TABLE control LIKE t", "INSERT INTO control SELECT * FROM t");
            AtomicLong nextId = new AtomicLong(ROWS * 2L + 1);

            Writers.Workload workload = (conn, random, tables) -> {
                int statements = 1 + random.nextInt(3);
                for (int s = 0; s < statements; s++) {
                    int op = random.nextInt(100);
                    long id = 2L * (1 + random.nextInt(ROWS + 2000));
                    if (op < 30) {
                        long newId = nextId.getAndIncrement();
                        int qty = random.nextInt(1000);
                        String updated = "2026-01-01 00:00:00." + (100000 + random.nextInt(900000));
                        for (String table : tables) {
                            Writers.exec(conn, "INSERT INTO " + table + " (id, qty, label, price, updated) VALUES (?, ?, ?, ?, ?)",
                                    newId, qty, "ins-" + newId, newId / 3.0, updated);
                        }
                    } else if (op < 65) {
                        int qty = random.nextInt(1000);
                        for (String table : tables) {
                            Writers.exec(conn, "UPDATE " + table + " SET qty = ?, label = CONCAT('upd-', ?), updated = '2025-01-01 12:00:00.5'"
                                    + " WHERE id = ?", qty, qty, id);
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
                        long lo = id;
                        for (String table : tables) {
                            Writers.exec(conn, "UPDATE " + table + " SET price = price + 1 WHERE id BETWEEN ? AND ?", lo, lo + 20);
                        }
                    }
                }
            };

            MigrationResult result;
            Recorder rec = new Recorder();
            try (Writers writers = Writers.start(server, db, 4, seed, null, workload)) {
                writers.awaitCommits(50);
                MigrationListener overlap = writers.overlappingEveryPhase(20);
                result = new Migration(MigrationFixture.config(server, db, "t", alter).threads(threads)
                        .lockingReads(reads == ReadMode.LOCKING).applyThreads(applyThreads).build(),
                        MigrationListener.all(overlap, rec)).execute();
                writers.awaitCommits(50);
                assertTrue(writers.commits() > 200, "writers committed " + writers.commits());
                assertTrue(writers.rollbacks() > 10, "writers rolled back " + writers.rollbacks());
            }
            assertTrue(result.changesApplied() > 0, "changes were applied during the copy");
            Progress firstCopy = rec.progress.stream().filter(p -> p.phase() == Phase.COPY).findFirst().orElseThrow();
            assertTrue(firstCopy.copyThreads() >= 1, "the first copy progress shows the workers running: " + firstCopy);
            assertEquals(reads, result.reads(), "the test server allows consistent reads; " + rec.notices);
            // the checksum repairs what the copy and apply got wrong; here they must get nothing wrong
            assertEquals(0, result.rangesRepaired(), "the checksum had to repair the copy");

            server.exec(db, "ALTER TABLE control " + alter);
            assertEquals(MigrationFixture.schema(c, db, "control"), MigrationFixture.schema(c, db, "t"));
            List<String> expected = MigrationFixture.rows(c, db, "control");
            List<String> actual = MigrationFixture.rows(c, db, "t");
            assertTrue(expected.equals(actual), () -> MigrationFixture.difference(expected, actual));
            assertEquals(List.of(result.plan().names().old()), MigrationFixture.oscTables(c, db));
        }
    }


}
