package dev.osc.engine;

import dev.osc.testing.TestServer;
import dev.osc.testing.TestServerExtension;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.LocalDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Rows keyed by every supported key type change while the migration runs: updates, deletes,
 * inserts and key updates arrive through the binlog and are matched back to rows by their decoded
 * key. A key decoded wrongly (signedness, padding, character set, fractional seconds) shows up
 * here as a row that differs from the control.
 */
@ExtendWith(TestServerExtension.class)
class KeyTypesIT {
    private static final int ROWS = 1200;
    private final TestServer server;

    KeyTypesIT(TestServer server) {
        this.server = server;
    }

    static Stream<Arguments> keyTypes() {
        return Stream.of(
                Arguments.of("BIGINT UNSIGNED near its maximum", "BIGINT UNSIGNED",
                        (IntFunction<Object>) i -> new BigInteger("18446744073709551615").subtract(BigInteger.valueOf(i)).toString()),
                Arguments.of("INT UNSIGNED near its maximum", "INT UNSIGNED", (IntFunction<Object>) i -> 4294967295L - i),
                Arguments.of("MEDIUMINT UNSIGNED near its maximum", "MEDIUMINT UNSIGNED", (IntFunction<Object>) i -> 16777215 - i),
                Arguments.of("negative INT", "INT", (IntFunction<Object>) i -> i - 100_000),
                Arguments.of("BINARY(16) with trailing zero bytes", "BINARY(16)", (IntFunction<Object>) i ->
                        Arrays.copyOf(Integer.toString(i).getBytes(StandardCharsets.US_ASCII), 16)),
                Arguments.of("VARBINARY(12) ending in zero bytes", "VARBINARY(12)", (IntFunction<Object>) i ->
                        Arrays.copyOf(("k" + i).getBytes(StandardCharsets.US_ASCII), 8)),
                Arguments.of("latin1 VARCHAR", "VARCHAR(30) CHARACTER SET latin1 COLLATE latin1_swedish_ci",
                        (IntFunction<Object>) i -> "cl\u00e9-" + i + "-\u00e5\u00df"),
                Arguments.of("utf8mb4 VARCHAR with 4-byte characters", "VARCHAR(30) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin",
                        (IntFunction<Object>) i -> "\ud83d\ude00-" + i + "-\ud834\udd1e"),
                Arguments.of("CHAR(12)", "CHAR(12) CHARACTER SET ascii", (IntFunction<Object>) i -> "c" + i),
                Arguments.of("DATETIME(6)", "DATETIME(6)", (IntFunction<Object>) i ->
                        LocalDateTime.of(2024, 1, 1, 0, 0).plusSeconds(i * 37L).plusNanos(i * 1000L).toString().replace('T', ' ')),
                Arguments.of("TIMESTAMP(3)", "TIMESTAMP(3)", (IntFunction<Object>) i ->
                        LocalDateTime.of(2021, 6, 1, 0, 0).plusSeconds(i * 61L).plusNanos(i * 1_000_000L % 1_000_000_000L).toString().replace('T', ' ')),
                Arguments.of("DATE", "DATE", (IntFunction<Object>) i -> LocalDateTime.of(1990, 1, 1, 0, 0).plusDays(i).toLocalDate().toString()),
                Arguments.of("DECIMAL(20,5)", "DECIMAL(20,5)", (IntFunction<Object>) i -> new java.math.BigDecimal(i - 600).add(new java.math.BigDecimal("0.12345"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("keyTypes")
    void changesToRowsFindTheirKeys(String name, String type, IntFunction<Object> key) throws Exception {
        String db = server.createDatabase("keys");
        server.exec(db, "CREATE TABLE t (k " + type + " NOT NULL PRIMARY KEY, v INT, w VARCHAR(20))");
        try (Connection c = server.connect(db)) {
            MigrationFixture.fill(c, "INSERT INTO t VALUES (?, ?, ?)", ROWS, i -> new Object[] {key.apply(i), i, "w" + i});
            server.exec(db, "CREATE TABLE control LIKE t", "INSERT INTO control SELECT * FROM t");
            AtomicInteger next = new AtomicInteger(ROWS + 1);
            Writers.Workload workload = (conn, random, tables) -> {
                int op = random.nextInt(100);
                Object k = key.apply(1 + random.nextInt(ROWS + 300));
                int v = random.nextInt(1_000_000);
                Object fresh = op >= 65 ? key.apply(next.getAndIncrement()) : null;
                for (String table : tables) {
                    if (op < 50) {
                        Writers.exec(conn, "UPDATE " + table + " SET v = ?, w = 'upd' WHERE k = ?", v, k);
                    } else if (op < 65) {
                        Writers.exec(conn, "DELETE FROM " + table + " WHERE k = ?", k);
                    } else if (op < 85) {
                        Writers.exec(conn, "INSERT INTO " + table + " (k, v, w) VALUES (?, ?, 'ins')", fresh, v);
                    } else {
                        Writers.exec(conn, "UPDATE " + table + " SET k = ? WHERE k = ?", fresh, k);
                    }
                }
            };
            MigrationResult result;
            try (Writers writers = Writers.start(server, db, 2, type.hashCode(), null, workload)) {
                writers.awaitCommits(30);
                result = new Migration(MigrationFixture.config(server, db, "t", "ADD COLUMN extra INT DEFAULT 3").build(),
                        writers.overlappingEveryPhase(30)).execute();
                writers.awaitCommits(20);
            }
            assertTrue(result.changesApplied() > 0, "changes were applied: " + result.changesApplied());
            server.exec(db, "ALTER TABLE control ADD COLUMN extra INT DEFAULT 3");
            List<String> expected = MigrationFixture.rows(c, db, "control");
            List<String> actual = MigrationFixture.rows(c, db, "t");
            assertTrue(expected.equals(actual), () -> MigrationFixture.difference(expected, actual));
        }
    }

}
