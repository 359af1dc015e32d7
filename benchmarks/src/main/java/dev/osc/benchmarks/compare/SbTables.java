package dev.osc.benchmarks.compare;

import dev.osc.cli.demo.DemoDatabase;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The sysbench-shaped table: a template filled once, and the fresh copy of it that each contender
 * migrates, so that every contender starts from the same rows in the same physical layout.
 */
final class SbTables {
    static final String TEMPLATE_DB = "sbtemplate";
    static final String DB = "sbtest";
    static final String TABLE = "sbtest1";
    static final String INDEX = "k_1";
    /** The change every contender makes; each one has to rebuild the table for it. */
    static final String ALTER = "ADD COLUMN `x` INT NOT NULL DEFAULT 0";
    static final String NEW_COLUMN = "x";

    private static final int FILL_BATCH = 100_000;

    private final DemoDatabase db;

    SbTables(DemoDatabase db) {
        this.db = db;
    }

    static String qualified(String database) {
        return "`" + database + "`.`" + TABLE + "`";
    }

    /** sysbench's own definition (oltp_common.lua), with its secondary index added after the rows. */
    private static String createTable(String database) {
        return "CREATE TABLE " + qualified(database) + " (`id` INT NOT NULL AUTO_INCREMENT,"
                + " `k` INT NOT NULL DEFAULT '0', `c` CHAR(120) NOT NULL DEFAULT '', `pad` CHAR(60) NOT NULL DEFAULT '',"
                + " PRIMARY KEY (`id`)) ENGINE=InnoDB";
    }

    /** An empty template database for {@code sysbench prepare}. */
    void createTemplateDatabase() throws SQLException {
        try (Connection c = db.open(); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE `" + TEMPLATE_DB + "`");
        }
    }

    /**
     * Fills the template without sysbench, with values shaped like its own: k a random id,
     * c ten and pad five groups of 11 random digits joined by dashes.
     */
    void fillTemplateBuiltIn(long rows) throws SQLException {
        createTemplateDatabase();
        try (Connection c = db.open(); Statement st = c.createStatement()) {
            unlogged(st);
            st.execute(createTable(TEMPLATE_DB));
            for (long from = 1; from <= rows; from += FILL_BATCH) {
                long to = Math.min(rows, from + FILL_BATCH - 1);
                st.execute("INSERT INTO " + qualified(TEMPLATE_DB) + " (`id`, `k`, `c`, `pad`) SELECT `seq`,"
                        + " 1 + FLOOR(RAND() * " + rows + "), " + digitGroups(10) + ", " + digitGroups(5)
                        + " FROM `" + TEMPLATE_DB + "`.`seq_" + from + "_to_" + to + "`");
            }
            st.execute("CREATE INDEX `" + INDEX + "` ON " + qualified(TEMPLATE_DB) + " (`k`)");
        }
    }

    private static String digitGroups(int n) {
        StringBuilder sb = new StringBuilder("CONCAT_WS('-'");
        for (int i = 0; i < n; i++) {
            sb.append(", LPAD(FLOOR(RAND() * 100000000000), 11, '0')");
        }
        return sb.append(')').toString();
    }

    /** Replaces the contenders' database with a fresh copy of the template. */
    void freshCopy() throws SQLException {
        try (Connection c = db.open(); Statement st = c.createStatement()) {
            unlogged(st);
            st.execute("DROP DATABASE IF EXISTS `" + DB + "`");
            st.execute("CREATE DATABASE `" + DB + "`");
            st.execute("CREATE TABLE " + qualified(DB) + " LIKE " + qualified(TEMPLATE_DB));
            // index built after the rows, as sysbench prepare does, so the copy's layout matches the template's
            st.execute("ALTER TABLE " + qualified(DB) + " DROP INDEX `" + INDEX + "`");
            st.execute("INSERT INTO " + qualified(DB) + " SELECT * FROM " + qualified(TEMPLATE_DB) + " ORDER BY `id`");
            st.execute("CREATE INDEX `" + INDEX + "` ON " + qualified(DB) + " (`k`)");
            st.execute("ANALYZE TABLE " + qualified(DB));
        }
        resetBinlog();
    }

    /** Drops the contenders' database and everything a contender left in it. */
    void dropCopy() throws SQLException {
        try (Connection c = db.open(); Statement st = c.createStatement()) {
            unlogged(st);
            st.execute("DROP DATABASE IF EXISTS `" + DB + "`");
        }
        resetBinlog();
    }

    /** Nothing reads the old binlogs; without this a 1M-row comparison leaves gigabytes of them. */
    void resetBinlog() throws SQLException {
        try (Connection c = db.open(); Statement st = c.createStatement()) {
            st.execute("RESET MASTER");
        }
    }

    /** Setting up tables is not part of any contender's work: keep it out of the binlog they read. */
    private static void unlogged(Statement st) throws SQLException {
        st.execute("SET SESSION sql_log_bin = 0");
    }
}
