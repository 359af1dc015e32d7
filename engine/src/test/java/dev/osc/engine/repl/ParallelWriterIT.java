package dev.osc.engine.repl;

import dev.osc.engine.MigrationFixture;
import dev.osc.engine.alter.AlterParser;
import dev.osc.engine.alter.ColumnMapping;
import dev.osc.engine.copy.CopyStatements;
import dev.osc.engine.copy.ReadMode;
import dev.osc.engine.inspect.Inspector;
import dev.osc.engine.inspect.TableInfo;
import dev.osc.engine.key.PrimaryKey;
import dev.osc.engine.key.RowKey;
import dev.osc.testing.TestServer;
import dev.osc.testing.TestServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A batch of changed keys written in parts on several connections leaves the shadow table as the
 * source is; a part that fails fails the batch, and writing the batch again completes it.
 */
@ExtendWith(TestServerExtension.class)
class ParallelWriterIT {
    private final TestServer server;

    ParallelWriterIT(TestServer server) {
        this.server = server;
    }

    @Test
    void aBatchWrittenInPartsLeavesTheShadowAsTheSource() throws Exception {
        String db = changedTables();
        AtomicInteger opened = new AtomicInteger();
        try (Connection c = server.connect(db);
             ParallelWriter writer = new ParallelWriter(applier(c, db), () -> {
                 opened.incrementAndGet();
                 return server.connect(db);
             }, 3)) {
            writer.write(c, changedKeys());
            assertEquals(2, opened.get(), "two parts on connections of their own, one on the caller's");
            assertEquals(MigrationFixture.rows(c, db, "t"), MigrationFixture.rows(c, db, "t_shadow"));
        }
    }

    @Test
    void aPartThatFailsFailsTheBatchAndWritingItAgainCompletesIt() throws Exception {
        String db = changedTables();
        AtomicInteger opened = new AtomicInteger();
        try (Connection c = server.connect(db);
             ParallelWriter writer = new ParallelWriter(applier(c, db), () -> {
                 if (opened.incrementAndGet() == 1) {
                     throw new SQLException("no connection for this part");
                 }
                 return server.connect(db);
             }, 3)) {
            SQLException e = assertThrows(SQLException.class, () -> writer.write(c, changedKeys()));
            assertTrue(e.getMessage().contains("no connection for this part"), e.getMessage());
            assertTrue(!MigrationFixture.rows(c, db, "t").equals(MigrationFixture.rows(c, db, "t_shadow")));
            writer.write(c, changedKeys());
            assertEquals(MigrationFixture.rows(c, db, "t"), MigrationFixture.rows(c, db, "t_shadow"));
        }
    }

    /** Ids 1-3000 copied to t_shadow; then the source's ids 1-999 updated, 1000-1499 deleted, 3001-3500 inserted. */
    private String changedTables() throws SQLException {
        String db = server.createDatabase("pwrite");
        server.exec(db, "CREATE TABLE t (id INT NOT NULL PRIMARY KEY, v INT NOT NULL, w VARCHAR(20))",
                "INSERT INTO t SELECT seq, seq, CONCAT('w', seq) FROM seq_1_to_3000",
                "CREATE TABLE t_shadow LIKE t", "INSERT INTO t_shadow SELECT * FROM t",
                "UPDATE t SET v = v + 1000000, w = NULL WHERE id < 1000", "DELETE FROM t WHERE id BETWEEN 1000 AND 1499",
                "INSERT INTO t SELECT seq, -seq, 'new' FROM seq_3001_to_3500");
        return db;
    }

    private static List<RowKey> changedKeys() {
        List<RowKey> keys = new ArrayList<>();
        for (long id = 1; id <= 3500; id++) {
            if (id < 1500 || id > 3000) {
                keys.add(new RowKey(id));
            }
        }
        return keys;
    }

    private static ChangeApplier applier(Connection c, String db) throws SQLException {
        Inspector inspector = new Inspector(c);
        TableInfo t = inspector.table(db, "t").orElseThrow();
        TableInfo shadow = inspector.table(db, "t_shadow").orElseThrow();
        ColumnMapping mapping = ColumnMapping.build(t, shadow, AlterParser.parse("ADD INDEX v (v)", db, "t"));
        return new ChangeApplier(new CopyStatements(db, "t", "t_shadow", mapping, PrimaryKey.of(mapping), true,
                ReadMode.CONSISTENT), 100);
    }
}
