package dev.osc.engine;

import dev.osc.testing.TestServer;
import dev.osc.testing.TestServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every column type with its edge values, written before and during the migration by a session
 * whose sql_mode allows zero dates: afterwards the migrated table holds exactly the values a plain
 * ALTER gives, byte for byte.
 */
@ExtendWith(TestServerExtension.class)
class ColumnTypesIT {
    private static final String CREATE = "CREATE TABLE t ("
            + " id BIGINT UNSIGNED NOT NULL PRIMARY KEY,"
            + " u64 BIGINT UNSIGNED, i8 TINYINT, u8 TINYINT UNSIGNED, i16 SMALLINT, u24 MEDIUMINT UNSIGNED, i32 INT,"
            + " dec65 DECIMAL(65,30), f FLOAT, d DOUBLE,"
            + " vc VARCHAR(40) CHARACTER SET utf8mb4, lat VARCHAR(40) CHARACTER SET latin1, ch CHAR(10),"
            + " bin BINARY(8), vbin VARBINARY(20), blb BLOB, txt TEXT,"
            + " dt DATETIME(6), ts TIMESTAMP(3) NULL DEFAULT NULL, dte DATE, tm TIME(6), yr YEAR,"
            + " js JSON, en ENUM('a','b','c'), st SET('x','y','z'), bt BIT(64),"
            + " gv BIGINT AS (i32 * 2) VIRTUAL, gs VARCHAR(60) AS (CONCAT(vc, '!')) STORED)";
    private static final String COLUMNS = "id, u64, i8, u8, i16, u24, i32, dec65, f, d, vc, lat, ch, bin, vbin, blb, txt,"
            + " dt, ts, dte, tm, yr, js, en, st, bt";
    /** Rows of edge values; the writers cycle through them. */
    private static final String[] VALUES = {
            "18446744073709551615, 127, 255, 32767, 16777215, 2147483647, '99999999999999999999999999999999999.999999999999999999999999999999',"
                    + " 3.4028234e38, 1.7976931348623157e308, '\ud83d\ude00 four-byte \ud834\udd1e', 'caf\u00e9 \u00e0\u00e9\u00ee\u00f5\u00fc', 'pad  ',"
                    + " X'0102000000000000', X'00FF00', X'DEADBEEF00', 'long text \u00e9', '9999-12-31 23:59:59.999999',"
                    + " '2038-01-19 03:14:07.999', '9999-12-31', '838:59:59.000000', 2155, '{\"a\": [1, 2.5, \"x\"], \"b\": null}', 'c', 'x,z',"
                    + " b'1111111111111111111111111111111111111111111111111111111111111111'",
            "0, -128, 0, -32768, 0, -2147483648, '-99999999999999999999999999999999999.999999999999999999999999999999',"
                    + " -1.175494e-38, -2.2250738585072014e-308, '', '', '', X'0000000000000000', X'', X'', '', '0000-00-00 00:00:00.000000',"
                    + " '0000-00-00 00:00:00.000', '0000-00-00', '-838:59:59.000000', 1901, '[]', 'a', '', b'0'",
            "NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,"
                    + " NULL, NULL, NULL, NULL",
            "1, 1, 1, 1, 1, 1, '0.000000000000000000000000000001', 0.1, 0.1, 'tab\\tnew\\nline \\\\ quote''', 'na\u00efve', 'a',"
                    + " X'01', X'0000', X'00', 'x', '2024-02-29 12:34:56.000001', '1970-01-01 00:00:01.000', '2024-02-29',"
                    + " '-00:00:00.000001', 2000, '\"\\u00e9\"', 'b', 'x,y,z', b'101'",
    };

    private final TestServer server;

    ColumnTypesIT(TestServer server) {
        this.server = server;
    }

    @Test
    void everyTypeKeepsEveryValueThroughTheMigration() throws Exception {
        String db = server.createDatabase("types");
        String zeroDatesAllowed = "NO_ENGINE_SUBSTITUTION";
        try (Connection c = server.connect(db)) {
            c.createStatement().execute("SET SESSION sql_mode = '" + zeroDatesAllowed + "', time_zone = '+03:00'");
            c.createStatement().execute(CREATE);
            c.createStatement().execute("CREATE TABLE control LIKE t");
            for (int i = 1; i <= 400; i++) {
                for (String table : new String[] {"t", "control"}) {
                    c.createStatement().execute("INSERT INTO " + table + " (" + COLUMNS + ") VALUES (" + i + ", "
                            + VALUES[i % VALUES.length] + ")");
                }
            }
            AtomicInteger nextId = new AtomicInteger(1000);
            Writers.Workload workload = (conn, random, tables) -> {
                int op = random.nextInt(10);
                int id = 1 + random.nextInt(420);
                String values = VALUES[random.nextInt(VALUES.length)];
                int fresh = nextId.getAndIncrement();
                for (String table : tables) {
                    try (var st = conn.createStatement()) {
                        if (op < 4) {
                            st.executeUpdate("REPLACE INTO " + table + " (" + COLUMNS + ") VALUES (" + id + ", " + values + ")");
                        } else if (op < 6) {
                            st.executeUpdate("INSERT INTO " + table + " (" + COLUMNS + ") VALUES (" + fresh + ", " + values + ")");
                        } else if (op < 8) {
                            st.executeUpdate("UPDATE " + table + " SET tm = '-12:00:00.5', dt = '0000-00-00 00:00:00', bin = X'FF',"
                                    + " lat = '\u00c5ngstr\u00f6m', u64 = 18446744073709551614, bt = b'1' WHERE id = " + id);
                        } else {
                            st.executeUpdate("DELETE FROM " + table + " WHERE id = " + id);
                        }
                    }
                }
            };
            String alter = "ADD COLUMN extra INT DEFAULT 1, MODIFY i32 BIGINT";
            MigrationResult result;
            try (Writers writers = Writers.start(server, db, 2, 11, zeroDatesAllowed + "',time_zone='+03:00", workload)) {
                writers.awaitCommits(20);
                result = new Migration(MigrationFixture.config(server, db, "t", alter).build(), writers.overlappingEveryPhase(20)).execute();
                writers.awaitCommits(10);
            }
            assertTrue(result.changesApplied() > 0);
            c.createStatement().execute("ALTER TABLE control " + alter);
            assertEquals(MigrationFixture.schema(c, db, "control"), MigrationFixture.schema(c, db, "t"));
            List<String> expected = MigrationFixture.rows(c, db, "control");
            List<String> actual = MigrationFixture.rows(c, db, "t");
            assertTrue(expected.size() > 300);
            assertTrue(expected.equals(actual), () -> MigrationFixture.difference(expected, actual));
        }
    }
}
