package dev.osc.benchmarks;

import dev.osc.engine.ConnectionConfig;
import dev.osc.engine.Migration;
import dev.osc.engine.MigrationConfig;
import dev.osc.engine.MigrationListener;
import dev.osc.engine.MigrationResult;
import dev.osc.engine.Plan;
import dev.osc.engine.sandbox.SandboxServer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Properties;

/**
 * How close osc plan's copy-time estimate comes to the copy's real duration: builds a table in a
 * throwaway sandbox (default 500,000 rows), plans and then runs a copy for a few ALTERs, and prints
 * estimate, actual and their ratio. A benchmark, not a test: timings vary with the machine.
 *
 * <pre>./mvnw -q -B -pl benchmarks -am package -DskipTests &amp;&amp; java -jar benchmarks/target/benchmarks.jar estimate [rows]</pre>
 */
public final class EstimateAccuracy {
    private EstimateAccuracy() {
    }

    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 500_000;
        Path dir = Files.createTempDirectory("osc-estimate");
        SandboxServer server = SandboxServer.start(dir, 0).registerShutdownHook();
        try {
            Properties p = new Properties();
            p.setProperty("user", "root");
            p.setProperty("password", "");
            try (Connection c = DriverManager.getConnection(server.jdbcUrl(), p); Statement st = c.createStatement()) {
                st.execute("CREATE DATABASE bench");
                st.execute("USE bench");
                st.execute("CREATE TABLE bench.t (id INT PRIMARY KEY AUTO_INCREMENT, k INT, c CHAR(120), pad CHAR(60), KEY k_1 (k))");
                st.execute("INSERT INTO bench.t (k, c, pad) SELECT seq % 100000, REPEAT(CHAR(65 + seq % 26), 120),"
                        + " REPEAT('p', 60) FROM seq_1_to_" + rows);
                st.execute("ANALYZE TABLE bench.t");
            }
            System.out.printf("%-40s %10s %10s %7s%n", "ALTER (" + rows + " rows)", "estimate", "actual", "ratio");
            for (String alter : new String[] {"MODIFY k BIGINT", "ADD COLUMN x INT, ADD INDEX kx (x)",
                    "MODIFY c VARCHAR(200), DROP COLUMN pad"}) {
                MigrationConfig config = MigrationConfig.builder()
                        .connection(new ConnectionConfig("127.0.0.1", server.port(), "root", ""))
                        .database("bench").table("t").alter(alter).allowInstant(false)
                        .accepted(java.util.Set.of("NOT_REVERSIBLE", "DROP_ADD_SAME_TYPE")).build();
                Plan plan = new Migration(config, MigrationListener.NONE).plan();
                MigrationResult result = new Migration(config, MigrationListener.NONE).execute();
                double estimate = plan.estimates().copySeconds();
                double actual = result.copyTime().toMillis() / 1000.0;
                System.out.printf("%-40s %9.1fs %9.1fs %7.2f%n", alter, estimate, actual, estimate / actual);
            }
        } finally {
            server.stop();
        }
    }
}
