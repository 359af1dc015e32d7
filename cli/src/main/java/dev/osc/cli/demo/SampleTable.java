package dev.osc.cli.demo;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Creates the demo's database with the table to migrate ({@code orders}) and an identical
 * control table ({@code orders_control}) holding the same rows. The write load changes both
 * alike; after the migration the control table gets the same ALTER the plain way, so the two
 * must match row for row.
 *
 * <p>Rows come from MariaDB's sequence engine ({@code seq_1_to_N}), so filling needs no data
 * transfer. The fill is kept out of the binary log ({@code sql_log_bin = 0}): it happens before
 * osc starts to follow the log, so osc would never read it.
 */
public final class SampleTable {
    public static final String DATABASE = "osc_demo";
    public static final String TABLE = "orders";
    public static final String CONTROL = "orders_control";
    /** Rows per INSERT ... SELECT, so progress can be shown while the table fills. */
    static final int BATCH = 200_000;

    /** Hears how far the fill has come. */
    @FunctionalInterface
    public interface Progress {
        void filled(long rows, long total);
    }

    private SampleTable() {
    }

    /**
     * Creates database and both tables (dropping earlier ones) and fills them with {@code rows}
     * rows. The two tables fill side by side on two connections, from the same deterministic
     * expressions, so they end up identical.
     */
    public static void create(DemoDatabase db, long rows, Progress progress) throws SQLException, InterruptedException {
        try (Connection c = db.open(); Connection other = db.open(); Statement st = c.createStatement();
             Statement st2 = other.createStatement()) {
            st.execute("SET SESSION sql_log_bin = 0");
            st2.execute("SET SESSION sql_log_bin = 0");
            st.execute("DROP DATABASE IF EXISTS " + DATABASE);
            st.execute("CREATE DATABASE " + DATABASE);
            st.execute("CREATE TABLE " + qualified(TABLE) + " ("
                    + "id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT, "
                    + "customer_id INT NOT NULL, "
                    + "status VARCHAR(16) NOT NULL, "
                    + "amount DECIMAL(10,2) NOT NULL, "
                    + "note VARCHAR(100) NULL, "
                    + "created_at DATETIME(6) NOT NULL, "
                    + "PRIMARY KEY (id), "
                    + "KEY idx_customer (customer_id)"
                    + ") ENGINE=InnoDB");
            st.execute("CREATE TABLE " + qualified(CONTROL) + " LIKE " + qualified(TABLE));
            ExecutorService second = Executors.newSingleThreadExecutor();
            try {
                for (long from = 1; from <= rows; from += BATCH) {
                    long to = Math.min(rows, from + BATCH - 1);
                    String controlFill = fill(CONTROL, from, to);
                    Future<Integer> control = second.submit(() -> st2.executeUpdate(controlFill));
                    st.executeUpdate(fill(TABLE, from, to));
                    control.get();
                    progress.filled(to, rows);
                }
            } catch (ExecutionException e) {
                throw e.getCause() instanceof SQLException s ? s : new SQLException(e.getCause());
            } finally {
                second.shutdownNow();
            }
            // Fresh statistics: osc's progress uses the server's row estimate.
            st.execute("ANALYZE TABLE " + qualified(TABLE) + ", " + qualified(CONTROL));
        }
    }

    /** Rows {@code from..to}: deterministic values of every kind the table has, a NULL note in every tenth row. */
    private static String fill(String table, long from, long to) {
        return "INSERT INTO " + qualified(table) + " (id, customer_id, status, amount, note, created_at) SELECT seq,"
                + " 1 + (seq * 7919) % 50000,"
                + " ELT(1 + seq % 5, 'new', 'paid', 'shipped', 'delivered', 'cancelled'),"
                + " ((seq * 104729) % 100000) / 100,"
                + " IF(seq % 10 = 0, NULL, CONCAT('sample order #', seq)),"
                + " TIMESTAMP'2025-01-01 00:00:00' + INTERVAL (seq * 1000003) MICROSECOND"
                + " FROM `" + DATABASE + "`.seq_" + from + "_to_" + to;
    }

    static String qualified(String table) {
        return "`" + DATABASE + "`.`" + table + "`";
    }
}
