package dev.osc.engine.repl;

import dev.osc.engine.copy.CopyStatements;
import dev.osc.engine.copy.ReadMode;
import dev.osc.engine.copy.Watermark;
import dev.osc.engine.alter.AlterParser;
import dev.osc.engine.alter.ColumnMapping;
import dev.osc.engine.inspect.Inspector;
import dev.osc.engine.inspect.TableInfo;
import dev.osc.engine.key.PrimaryKey;
import dev.osc.engine.key.RowKey;
import dev.osc.testing.TestServer;
import dev.osc.testing.TestServerExtension;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The applier sorts changed keys by the copy's watermarks, and the server compares: keys up to
 * {@code copied} are applied, those up to {@code handedOut} come back to wait for their range, the
 * rest are dropped. Checked for each key type, including keys whose rows were deleted, against the
 * same comparisons made on the table's own column, which the copy's ranges use.
 */
@ExtendWith(TestServerExtension.class)
class ChangeApplierIT {
    private final TestServer server;

    ChangeApplierIT(TestServer server) {
        this.server = server;
    }

    /** A key definition and the SQL literals of its values, in no particular order. */
    static Stream<Arguments> keys() {
        return Stream.of(
                Arguments.of("BIGINT UNSIGNED", "k BIGINT UNSIGNED NOT NULL", "k",
                        List.of("0", "1", "9223372036854775807", "9223372036854775808", "18446744073709551614",
                                "18446744073709551615", "42", "4294967296")),
                Arguments.of("DECIMAL", "k DECIMAL(10,3) NOT NULL", "k",
                        List.of("-5.5", "-0.001", "0", "0.001", "2.25", "10.000", "999999.999", "-999999.999")),
                Arguments.of("case- and accent-insensitive VARCHAR", "k VARCHAR(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
                        + " NOT NULL", "k", List.of("'a'", "'B'", "'\u00e9t\u00e9'", "'Eta'", "'z'", "'Zz'", "'\u00df'", "'m n'", "'M O'", "'0'")),
                Arguments.of("latin1 VARCHAR and INT", "k VARCHAR(10) CHARACTER SET latin1 NOT NULL, n INT NOT NULL", "k, n",
                        List.of("'b', 2", "'B', 1", "'\u00e5', 0", "'a', 5", "'a', -1", "'c', 9", "'\u00c4', 3", "'z', 0")),
                Arguments.of("VARBINARY", "k VARBINARY(8) NOT NULL", "k",
                        List.of("X''", "X'00'", "X'0000'", "X'01'", "X'FF'", "X'FF00'", "X'7F'", "X'80'")),
                Arguments.of("DATETIME(6)", "k DATETIME(6) NOT NULL", "k",
                        List.of("'2024-01-01 00:00:00'", "'2024-01-01 00:00:00.000001'", "'1999-12-31 23:59:59.999999'",
                                "'2024-01-01 10:00:00'", "'2024-01-01 09:59:59.5'", "'9999-12-31 23:59:59.999999'", "'1000-01-01 00:00:00'")),
                Arguments.of("DATE and CHAR", "d DATE NOT NULL, c CHAR(3) CHARACTER SET ascii NOT NULL", "d, c",
                        List.of("'2024-02-29', 'a'", "'2024-02-29', 'b'", "'2023-12-31', 'z'", "'2024-03-01', ''", "'2024-02-28', 'zz'")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("keys")
    void keysAreAppliedParkedOrDroppedByTheWatermarks(String name, String keyColumns, String keyList, List<String> values)
            throws Exception {
        String db = server.createDatabase("bands");
        server.exec(db, "CREATE TABLE every (" + keyColumns + ", v INT NOT NULL DEFAULT 0, PRIMARY KEY (" + keyList + "))");
        try (Connection c = server.connect(db); Statement st = c.createStatement()) {
            for (String v : values) {
                st.execute("INSERT INTO every (" + keyList + ") VALUES (" + v + ")");
            }
            // the source lost every third row (their changes were deletes); the shadow starts empty
            st.execute("CREATE TABLE t LIKE every");
            st.execute("INSERT INTO t SELECT * FROM every");
            st.execute("CREATE TABLE t_shadow LIKE every");
            PrimaryKey key = key(c, db);
            List<RowKey> all = keys(c, key, "every", null);
            for (int i = 0; i < all.size(); i += 3) {
                delete(c, key, all.get(i));
            }
            CopyStatements statements = statements(c, db, key);
            for (int lo = -1; lo < all.size(); lo++) {
                for (int hi = Math.max(lo, 0); hi <= all.size(); hi++) {
                    // keys are in key order, so handedOut is never below copied
                    RowKey copiedKey = lo < 0 ? null : all.get(lo);
                    Watermark copied = lo < 0 ? Watermark.NONE : Watermark.upTo(copiedKey);
                    Watermark handedOut = hi == all.size() ? Watermark.ALL : Watermark.upTo(all.get(hi));
                    st.execute("DELETE FROM t_shadow");
                    List<RowKey> later = new ChangeApplier(statements, 3).apply(c, all, copied, handedOut);

                    Set<RowKey> upToCopied = new HashSet<>(lo < 0 ? List.of() : keys(c, key, "every", copiedKey));
                    Set<RowKey> expectedLater = new HashSet<>(handedOut.all() ? all : keys(c, key, "every", handedOut.upTo()));
                    expectedLater.removeAll(upToCopied);
                    Set<RowKey> expectedApplied = new HashSet<>(lo < 0 ? List.of() : keys(c, key, "t", copiedKey));
                    String at = name + ", copied " + copied + ", handed out " + handedOut;
                    assertEquals(expectedLater, new HashSet<>(later), "waiting keys at " + at);
                    assertEquals(expectedApplied, new HashSet<>(keys(c, key, "t_shadow", null)), "applied rows at " + at);
                }
            }
        }
    }

    private static PrimaryKey key(Connection c, String db) throws SQLException {
        TableInfo every = new Inspector(c).table(db, "every").orElseThrow();
        return PrimaryKey.of(ColumnMapping.build(every, every, AlterParser.parse("ADD INDEX v (v)", db, "every")));
    }

    private static CopyStatements statements(Connection c, String db, PrimaryKey key) throws SQLException {
        Inspector inspector = new Inspector(c);
        TableInfo t = inspector.table(db, "t").orElseThrow();
        TableInfo shadow = inspector.table(db, "t_shadow").orElseThrow();
        return new CopyStatements(db, "t", "t_shadow", ColumnMapping.build(t, shadow, AlterParser.parse("ADD INDEX v (v)", db, "t")),
                key, true, ReadMode.CONSISTENT);
    }

    /** The keys of {@code table}, all or those at most {@code upTo}, compared on the column itself. */
    private static List<RowKey> keys(Connection c, PrimaryKey key, String table, RowKey upTo) throws SQLException {
        PrimaryKey.Predicate atMost = key.atMost(false);
        String sql = "SELECT " + key.selectList() + " FROM " + table + (upTo == null ? "" : " WHERE " + atMost.sql())
                + " ORDER BY " + key.orderBy();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            if (upTo != null) {
                atMost.bind(ps, 1, key.columns(), upTo);
            }
            List<RowKey> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(key.read(rs, 1));
                }
            }
            return out;
        }
    }

    private static void delete(Connection c, PrimaryKey key, RowKey k) throws SQLException {
        PrimaryKey.Predicate in = key.in(false, 1);
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM t WHERE " + in.sql())) {
            key.bindAll(ps, 1, List.of(k));
            assertEquals(1, ps.executeUpdate());
        }
    }
}
