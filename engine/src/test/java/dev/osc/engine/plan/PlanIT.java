package dev.osc.engine.plan;

import dev.osc.engine.Migration;
import dev.osc.engine.MigrationConfig;
import dev.osc.engine.MigrationFixture;
import dev.osc.engine.MigrationListener;
import dev.osc.engine.MigrationResult;
import dev.osc.engine.OscException;
import dev.osc.engine.Plan;
import dev.osc.testing.TestServer;
import dev.osc.testing.TestServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The planner's method choice, the instant path, already-applied detection, blockers and accepted warnings. */
@ExtendWith(TestServerExtension.class)
class PlanIT {
    private static final int ROWS = 2000;
    private final TestServer server;

    PlanIT(TestServer server) {
        this.server = server;
    }

    private String table() throws SQLException {
        String db = server.createDatabase("plan");
        server.exec(db, "CREATE TABLE t (id INT PRIMARY KEY AUTO_INCREMENT, a VARCHAR(30), b INT, KEY k_a (a))");
        try (Connection c = server.connect(db)) {
            MigrationFixture.fill(c, "INSERT INTO t (a, b) VALUES (?, ?)", ROWS, i -> new Object[] {"a" + i, i});
        }
        return db;
    }

    /** The default config of a user: INSTANT allowed, nothing accepted. */
    private MigrationConfig.Builder userConfig(String db, String alter) {
        return MigrationFixture.config(server, db, "t", alter).allowInstant(true).accepted(Set.of());
    }

    @Test
    void addColumnTakesTheInstantPathWithoutAShadowTable() throws Exception {
        String db = table();
        Plan plan = new Migration(userConfig(db, "ADD COLUMN c INT").build(), MigrationListener.NONE).plan();
        assertEquals(Method.INSTANT, plan.method());
        assertEquals(List.of("ALTER TABLE `" + db + "`.`t` ADD COLUMN c INT, ALGORITHM=INSTANT"), plan.statements());
        assertTrue(plan.findings().stream().anyMatch(f -> f.code().equals("INSTANT")));

        MigrationResult result = new Migration(userConfig(db, "ADD COLUMN c INT").build(), MigrationListener.NONE).execute();
        assertEquals(Method.INSTANT, result.method());
        assertTrue(result.executed());
        assertEquals(0, result.rowsCopied());
        System.out.println("instant ADD COLUMN on " + ROWS + " rows took " + result.lockMillis() + " ms");
        try (Connection c = server.connect(db)) {
            assertTrue(MigrationFixture.schema(c, db, "t").contains("`c` int"));
            assertEquals(List.of("t"), MigrationFixture.tables(c, db), "no shadow, old or probe table");
        }
    }

    @Test
    void typeChangeIsCopiedWithAMeasuredEstimate() throws Exception {
        String db = table();
        Plan plan = new Migration(userConfig(db, "MODIFY b BIGINT").build(), MigrationListener.NONE).plan();
        assertEquals(Method.COPY, plan.method());
        assertTrue(plan.methodReason().contains("not instant"), plan.methodReason());
        assertNotNull(plan.estimates());
        assertTrue(plan.estimates().sampleRows() > 0);
        assertTrue(plan.estimates().copySeconds() > 0);
        assertTrue(plan.statements().get(0).startsWith("CREATE TABLE"), plan.statements().toString());
        try (Connection c = server.connect(db)) {
            assertEquals(List.of("t"), MigrationFixture.tables(c, db), "planning changed nothing");
        }
    }

    @Test
    void aCopyPlanSaysHowItReadsTheTableAndWithHowManyWorkers() throws Exception {
        String db = table();
        Plan plain = new Migration(userConfig(db, "MODIFY b BIGINT").build(), MigrationListener.NONE).plan();
        assertEquals(List.of("PLAIN_READS"), codes(plain, "READS"), plain.findings().toString());
        assertTrue(plain.statements().stream().anyMatch(s -> s.endsWith("WHERE <key range>  -- per chunk")), plain.statements().toString());
        Finding workers = plain.findings().stream().filter(f -> f.code().equals("COPY_WORKERS")).findFirst().orElseThrow();
        String lockMode;
        try (Connection c = server.connect(db)) {
            lockMode = dev.osc.engine.db.ServerInfo.variable(c, "innodb_autoinc_lock_mode").orElseThrow();
        }
        // t has an AUTO_INCREMENT key: with lock mode 1 (MariaDB's default) INSERT ... SELECTs would take turns
        assertTrue(lockMode.equals("2") ? workers.message().matches("\\d+ copy workers?: half of the server's .*")
                : workers.message().startsWith("1 copy worker: innodb_autoinc_lock_mode=" + lockMode + " makes"),
                workers.message());

        Plan locking = new Migration(userConfig(db, "MODIFY b BIGINT").lockingReads(true).threads(3).build(),
                MigrationListener.NONE).plan();
        assertEquals(List.of("LOCKING_READS"), codes(locking, "READS"), locking.findings().toString());
        assertTrue(locking.findings().stream().anyMatch(f -> f.message().contains("asked for with --locking-reads")));
        assertTrue(locking.statements().stream().anyMatch(s -> s.endsWith("LOCK IN SHARE MODE  -- per chunk")));
        assertTrue(locking.findings().stream().anyMatch(f -> f.message().equals("3 copy workers (--threads)")),
                locking.findings().toString());

        Plan unique = new Migration(userConfig(db, "MODIFY b BIGINT, ADD UNIQUE KEY u (b)").threads(3).build(),
                MigrationListener.NONE).plan();
        assertTrue(unique.findings().stream().anyMatch(f -> f.code().equals("COPY_WORKERS")
                && f.message().startsWith("1 copy worker: the change adds a unique key")), unique.findings().toString());
    }

    private static List<String> codes(Plan plan, String ending) {
        return plan.findings().stream().map(Finding::code).filter(c -> c.endsWith(ending)).toList();
    }

    @Test
    void methodCopyForcesTheCopyEvenWhereInstantWorks() throws Exception {
        String db = table();
        Plan plan = new Migration(userConfig(db, "ADD COLUMN c INT").allowInstant(false).build(), MigrationListener.NONE).plan();
        assertEquals(Method.COPY, plan.method());
    }

    @ParameterizedTest
    @ValueSource(strings = {"ADD COLUMN c INT NOT NULL DEFAULT 3", "ADD INDEX k_b (b)", "MODIFY b BIGINT",
            "ADD COLUMN c INT, ADD INDEX k_c (c)"})
    void runningTheSameMigrationTwiceIsANoOp(String alter) throws Exception {
        String db = table();
        MigrationConfig config = userConfig(db, alter).accepted(Set.of("NOT_REVERSIBLE")).build();
        MigrationResult first = new Migration(config, MigrationListener.NONE).execute();
        assertTrue(first.executed());
        String schema;
        List<String> rows;
        try (Connection c = server.connect(db)) {
            schema = MigrationFixture.schema(c, db, "t");
            rows = MigrationFixture.rows(c, db, "t");
        }
        Plan plan = new Migration(config, MigrationListener.NONE).plan();
        assertEquals(Method.ALREADY_APPLIED, plan.method());
        assertTrue(plan.blockers().isEmpty());
        MigrationResult second = new Migration(config, MigrationListener.NONE).execute();
        assertFalse(second.executed());
        assertEquals(Method.ALREADY_APPLIED, second.method());
        try (Connection c = server.connect(db)) {
            assertEquals(schema, MigrationFixture.schema(c, db, "t"));
            assertEquals(rows, MigrationFixture.rows(c, db, "t"));
        }
    }

    @Test
    void aChangeThatIsNotAppliedYetIsNotMistakenForOne() throws Exception {
        String db = table();
        server.exec(db, "ALTER TABLE t ADD COLUMN c INT");
        // the column exists with another type: the ALTER is not applied, and the server refuses it
        Plan plan = new Migration(userConfig(db, "ADD COLUMN c VARCHAR(10)").build(), MigrationListener.NONE).plan();
        assertEquals(Method.BLOCKED, plan.method());
        assertEquals("ALTER_REJECTED", plan.blockers().get(0).code());
        OscException e = assertThrows(OscException.class,
                () -> new Migration(userConfig(db, "ADD COLUMN c VARCHAR(10)").build(), MigrationListener.NONE).execute());
        assertEquals(OscException.Kind.BAD_INPUT, e.kind());
    }

    @Test
    void blockersAreListedInThePlanAndRefuseTheRun() throws Exception {
        String db = table();
        server.exec(db, "CREATE TRIGGER trg BEFORE INSERT ON t FOR EACH ROW SET NEW.b = NEW.b");
        Plan plan = new Migration(userConfig(db, "MODIFY b BIGINT").build(), MigrationListener.NONE).plan();
        assertEquals(Method.BLOCKED, plan.method());
        assertEquals(List.of("TRIGGERS"), plan.blockers().stream().map(Finding::code).toList());
        assertNotNull(plan.mapping(), "the rest of the plan is still worked out");
        OscException e = assertThrows(OscException.class,
                () -> new Migration(userConfig(db, "MODIFY b BIGINT").build(), MigrationListener.NONE).execute());
        assertEquals(OscException.Kind.BAD_INPUT, e.kind());
        assertTrue(e.getMessage().contains("triggers"), e.getMessage());
    }

    @Test
    void unsupportedAlterIsABlockerFinding() throws Exception {
        String db = table();
        Plan plan = new Migration(userConfig(db, "RENAME TO u").build(), MigrationListener.NONE).plan();
        assertEquals(Method.BLOCKED, plan.method());
        assertEquals("UNSUPPORTED_ALTER", plan.blockers().get(0).code());
    }

    @Test
    void addingANotNullColumnWithoutADefaultIsABlockerAndWithOneIsNot() throws Exception {
        String db = table();
        Plan without = new Migration(userConfig(db, "ADD COLUMN n INT NOT NULL").allowInstant(false).build(),
                MigrationListener.NONE).plan();
        assertEquals(List.of("NOT_NULL_WITHOUT_DEFAULT"), without.blockers().stream().map(Finding::code).toList());
        assertTrue(without.blockers().get(0).message().contains("n"), without.blockers().get(0).message());
        Plan with = new Migration(userConfig(db, "ADD COLUMN n INT NOT NULL DEFAULT 0").allowInstant(false).build(),
                MigrationListener.NONE).plan();
        assertTrue(with.blockers().isEmpty(), with.findings().toString());
        Plan autoIncrement = new Migration(userConfig(db, "DROP PRIMARY KEY, ADD COLUMN n INT NOT NULL").allowInstant(false)
                .build(), MigrationListener.NONE).plan();
        assertEquals(Method.BLOCKED, autoIncrement.method(), "a primary key change is refused on its own");
    }

    @Test
    void aNewAutoIncrementCounterOrARebuildIsNeverTakenForAlreadyApplied() throws Exception {
        String db = table();
        Plan counter = new Migration(userConfig(db, "AUTO_INCREMENT = 1000000").build(), MigrationListener.NONE).plan();
        assertFalse(counter.alreadyApplied(), counter.methodReason());
        MigrationResult set = new Migration(userConfig(db, "AUTO_INCREMENT = 1000000").build(), MigrationListener.NONE).execute();
        assertTrue(set.executed());
        server.exec(db, "INSERT INTO t (a, b) VALUES ('next', 0)");
        try (Connection c = server.connect(db); var st = c.createStatement(); var rs = st.executeQuery("SELECT MAX(id) FROM t")) {
            rs.next();
            assertEquals(1000000, rs.getInt(1));
        }
        for (String rebuild : List.of("FORCE", "ENGINE=InnoDB")) {
            Plan plan = new Migration(userConfig(db, rebuild).build(), MigrationListener.NONE).plan();
            assertEquals(Method.COPY, plan.method(), rebuild + ": " + plan.methodReason());
        }
    }

    @Test
    void runsStartedTogetherMigrateOnceAndTheOthersFindItApplied() throws Exception {
        String db = table();
        MigrationConfig config = userConfig(db, "MODIFY b BIGINT").accepted(Set.of("NOT_REVERSIBLE")).build();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(3);
        try {
            List<java.util.concurrent.Future<MigrationResult>> runs = new java.util.ArrayList<>();
            for (int i = 0; i < 3; i++) {
                runs.add(pool.submit(() -> new Migration(config, MigrationListener.NONE).execute()));
            }
            int executed = 0;
            int applied = 0;
            for (var run : runs) {
                MigrationResult r = run.get(120, java.util.concurrent.TimeUnit.SECONDS);
                executed += r.executed() ? 1 : 0;
                applied += r.method() == Method.ALREADY_APPLIED ? 1 : 0;
            }
            assertEquals(1, executed, "exactly one run migrates");
            assertEquals(2, applied, "the others wait and find the change applied");
        } finally {
            pool.shutdownNow();
        }
        try (Connection c = server.connect(db)) {
            assertEquals(1, MigrationFixture.oscTables(c, db).size(), MigrationFixture.oscTables(c, db).toString());
            assertTrue(MigrationFixture.schema(c, db, "t").contains("`b` bigint"));
        }
    }
}
