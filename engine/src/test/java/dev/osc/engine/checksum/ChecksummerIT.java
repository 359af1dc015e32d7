package dev.osc.engine.checksum;

import dev.osc.engine.alter.AlterParser;
import dev.osc.engine.alter.ColumnMapping;
import dev.osc.engine.checksum.ChecksumExpressions.RangeSum;
import dev.osc.engine.copy.CopyStatements;
import dev.osc.engine.db.ServerInfo;
import dev.osc.engine.inspect.Inspector;
import dev.osc.engine.inspect.TableInfo;
import dev.osc.engine.key.PrimaryKey;
import dev.osc.testing.TestServer;
import dev.osc.testing.TestServerExtension;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The checksum compares equal tables as equal and finds a one-byte change in any column, with
 * either way of summing a range, on a table whose text columns mix character sets and collations
 * that cannot all be concatenated as they are.
 */
@ExtendWith(TestServerExtension.class)
class ChecksummerIT {
    private static final String CREATE = "CREATE TABLE t (id INT NOT NULL PRIMARY KEY,"
            + " a VARCHAR(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci,"
            + " b VARCHAR(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,"
            + " c VARCHAR(20) CHARACTER SET latin1, d VARCHAR(20) CHARACTER SET ucs2, e VARBINARY(20),"
            + " f DECIMAL(10,2), g DATETIME(6), h JSON, i ENUM('x','y'), n INT)";
    /** For each column a change of one character or digit (a letter case too), made to row 7 of the copy. */
    private static final List<String> CHANGES = List.of("a = 'r7A'", "b = 'r7B'", "c = 'r7C'", "d = 'r7D'",
            "e = X'0108'", "f = 7.01", "g = '2024-01-07 00:00:00.000001'", "h = '[8]'", "i = 'x'", "n = 8", "n = NULL");

    private final TestServer server;

    ChecksummerIT(TestServer server) {
        this.server = server;
    }

    @ParameterizedTest
    @EnumSource(RangeSum.class)
    void equalTablesCompareEqualAndAnyOneByteChangeIsFound(RangeSum sum) throws Exception {
        try (Connection c = server.connect("mysql")) {
            Assumptions.assumeTrue(sum != RangeSum.CRC32_AND_CRC32C || RangeSum.of(ServerInfo.read(c)) == sum,
                    "CRC32C needs MariaDB 10.8 or later");
        }
        String db = server.createDatabase("cksum");
        server.exec(db, CREATE);
        try (Connection c = server.connect(db); Statement st = c.createStatement()) {
            for (int id = 1; id <= 50; id++) {
                st.execute("INSERT INTO t VALUES (" + id + ", 'r" + id + "a', 'r" + id + "b', 'r" + id + "c', 'r" + id
                        + "d', X'01" + String.format("%02x", id) + "', " + id + ".00, '2024-01-" + String.format("%02d", id % 28 + 1)
                        + " 00:00:00', '[" + id + "]', 'y', " + id + ")");
            }
            st.execute("CREATE TABLE t_copy LIKE t");
            st.execute("INSERT INTO t_copy SELECT * FROM t");
        }
        Checksummer checksummer = checksummer(db, sum);
        assertEquals(List.of(), compare(db, checksummer), "equal tables");

        for (String change : CHANGES) {
            server.exec(db, "UPDATE t_copy SET " + change + " WHERE id = 7");
            List<Checksummer.Difference> found = compare(db, checksummer);
            assertEquals(1, found.size(), change + ": " + found);
            server.exec(db, "REPLACE INTO t_copy SELECT * FROM t WHERE id = 7");
            assertEquals(List.of(), compare(db, checksummer), "after undoing " + change);
        }
    }

    private Checksummer checksummer(String db, RangeSum sum) throws SQLException {
        try (Connection c = server.connect(db)) {
            Inspector inspector = new Inspector(c);
            TableInfo source = inspector.table(db, "t").orElseThrow();
            TableInfo copy = inspector.table(db, "t_copy").orElseThrow();
            ColumnMapping mapping = ColumnMapping.build(source, copy, AlterParser.parse("ADD INDEX n (n)", db, "t"));
            CopyStatements statements = new CopyStatements(db, "t", "t_copy", mapping, PrimaryKey.of(mapping));
            // small ranges, so that a difference is found in one range of several
            return new Checksummer(db, "t", "t_copy", mapping, statements, 10, sum);
        }
    }

    private List<Checksummer.Difference> compare(String db, Checksummer checksummer) throws Exception {
        List<Connection> snapshots = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                snapshots.add(server.connect(db));
            }
            return checksummer.compare(snapshots);
        } finally {
            for (Connection s : snapshots) {
                s.close();
            }
        }
    }

    @org.junit.jupiter.api.Test
    void crc32cIsChosenWhereTheServerHasIt() throws SQLException {
        try (Connection c = server.connect("mysql")) {
            ServerInfo info = ServerInfo.read(c);
            boolean hasCrc32c;
            try (Statement st = c.createStatement()) {
                st.executeQuery("SELECT CRC32C('x')").close();
                hasCrc32c = true;
            } catch (SQLException e) {
                hasCrc32c = false;
            }
            assertEquals(hasCrc32c ? RangeSum.CRC32_AND_CRC32C : RangeSum.MD5_AND_CRC32, RangeSum.of(info), info.version());
            assertTrue(new ServerInfo("10.11.19-MariaDB-log", true).atLeast(10, 8));
            assertTrue(!new ServerInfo("10.6.2-MariaDB", true).atLeast(10, 8));
            assertTrue(new ServerInfo("11.0.1-MariaDB", true).atLeast(10, 8));
        }
    }
}
