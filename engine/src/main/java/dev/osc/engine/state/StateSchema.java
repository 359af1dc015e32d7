package dev.osc.engine.state;

import dev.osc.engine.OscException;
import dev.osc.engine.db.Queries;
import dev.osc.engine.db.Sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The schema that holds osc's state on the server ({@code _osc} unless {@code --state-schema}
 * says otherwise): which migrations ran or run, and the control requests operators send them.
 * Keeping it on the server lets any host with database access see and steer a migration.
 *
 * <p>Times are DATETIME(6) in UTC, taken from the server's {@code UTC_TIMESTAMP(6)}: one clock
 * for the writer and for whoever judges liveness, whatever the hosts' clocks and the sessions'
 * time zones.
 *
 * @param name the schema name, validated: 1-64 letters, digits, {@code _} or {@code $}, not a system schema
 */
public record StateSchema(String name) {
    public static final String DEFAULT_NAME = "_osc";
    /** The version of the tables this osc creates and reads; {@code schema_version} records it. */
    public static final int VERSION = 1;
    /** How long {@link #ensure(Connection)} waits for another osc creating the same tables. */
    public static final Duration DEFAULT_LOCK_WAIT = Duration.ofSeconds(30);

    static final String LOCK_NAME = "osc:state";
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9_$]{1,64}");
    private static final Set<String> SYSTEM = Set.of("mysql", "information_schema", "performance_schema", "sys");
    private static final int UNKNOWN_DATABASE = 1049;
    private static final int NO_SUCH_TABLE = 1146;

    public StateSchema {
        if (name == null || !VALID.matcher(name).matches()) {
            throw OscException.badInput("--state-schema '" + name + "' is not a usable schema name: use 1-64 letters,"
                    + " digits, _ or $ (default " + DEFAULT_NAME + ")");
        }
        if (SYSTEM.contains(name.toLowerCase(Locale.ROOT))) {
            throw OscException.badInput("--state-schema " + name + " is a system schema; osc keeps its state in a schema"
                    + " of its own (default " + DEFAULT_NAME + ")");
        }
    }

    public static StateSchema defaultSchema() {
        return new StateSchema(DEFAULT_NAME);
    }

    /** {@code `schema`.`migrations`}: one row per run. */
    public String migrations() {
        return Sql.quote(name, "migrations");
    }

    /** {@code `schema`.`control`}: one row per operator request. */
    public String control() {
        return Sql.quote(name, "control");
    }

    /** {@code `schema`.`schema_version`}: one row per version installed. */
    public String schemaVersion() {
        return Sql.quote(name, "schema_version");
    }

    /** Creates the schema and its tables unless they exist, waiting up to {@link #DEFAULT_LOCK_WAIT}. */
    public void ensure(Connection c) throws StateStoreException {
        ensure(c, DEFAULT_LOCK_WAIT);
    }

    /**
     * Creates the schema and its tables unless they exist. The creation runs under a server-side
     * lock, so two osc processes starting at once do not race; once the tables exist this only
     * reads, and needs no CREATE privilege.
     *
     * @throws StateStoreException when the lock is not free within {@code lockWait}, the tables
     *                             belong to a newer osc, or the server refuses
     */
    public void ensure(Connection c, Duration lockWait) throws StateStoreException {
        try {
            if (checkedVersion(c) == VERSION) {
                return;
            }
            if (!lock(c, lockWait)) {
                throw new StateStoreException("another osc has been creating the state schema " + Sql.quote(name)
                        + " for " + lockWait.toSeconds() + "s (lock '" + LOCK_NAME + "'); try again, or look for a stuck session");
            }
            try {
                // again under the lock: another process may have finished while this one waited
                if (checkedVersion(c) == VERSION) {
                    return;
                }
                for (String ddl : ddl()) {
                    Queries.exec(c, ddl);
                }
                try (PreparedStatement ps = c.prepareStatement("INSERT IGNORE INTO " + schemaVersion()
                        + " (version, installed_at) VALUES (?, UTC_TIMESTAMP(6))")) {
                    ps.setInt(1, VERSION);
                    ps.executeUpdate();
                }
            } finally {
                unlock(c);
            }
        } catch (SQLException e) {
            throw new StateStoreException("cannot create osc's state schema " + Sql.quote(name) + ": " + e.getMessage()
                    + (StateConnection.isPrivilegeError(e) ? " (on first use osc needs CREATE, SELECT, INSERT, UPDATE ON "
                    + Sql.quote(name) + ".*)" : ""), e);
        }
    }

    /** The newest version installed, or 0 when the schema or its tables do not exist yet. */
    public int installedVersion(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT MAX(version) FROM " + schemaVersion());
             ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getInt(1) : 0;
        } catch (SQLException e) {
            if (isMissing(e)) {
                return 0;
            }
            throw e;
        }
    }

    /** Whether a statement failed because the state schema or one of its tables does not exist. */
    static boolean isMissing(SQLException e) {
        return e.getErrorCode() == UNKNOWN_DATABASE || e.getErrorCode() == NO_SUCH_TABLE;
    }

    private int checkedVersion(Connection c) throws SQLException, StateStoreException {
        int version = installedVersion(c);
        if (version > VERSION) {
            throw new StateStoreException("the state schema " + Sql.quote(name) + " has version " + version
                    + ", written by a newer osc; this osc knows version " + VERSION
                    + ": upgrade osc, or use another --state-schema");
        }
        return version;
    }

    private static boolean lock(Connection c, Duration wait) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT GET_LOCK(?, ?)")) {
            ps.setString(1, LOCK_NAME);
            ps.setLong(2, Math.max(0, wait.toSeconds()));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getInt(1) == 1;
            }
        }
    }

    private static void unlock(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT RELEASE_LOCK(?)")) {
            ps.setString(1, LOCK_NAME);
            ps.executeQuery().close();
        }
    }

    /** The statements that create version 1; each is a no-op when its object exists. */
    List<String> ddl() {
        String identifier = "VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin";
        return List.of(
                "CREATE DATABASE IF NOT EXISTS " + Sql.quote(name) + " DEFAULT CHARACTER SET utf8mb4",
                "CREATE TABLE IF NOT EXISTS " + schemaVersion() + " ("
                        + "version INT NOT NULL PRIMARY KEY,"
                        + " installed_at DATETIME(6) NOT NULL COMMENT 'UTC'"
                        + ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COMMENT='osc: versions of these tables'",
                "CREATE TABLE IF NOT EXISTS " + migrations() + " ("
                        + "id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,"
                        + " database_name " + identifier + " NOT NULL,"
                        + " table_name " + identifier + " NOT NULL,"
                        + " alter_text TEXT NOT NULL,"
                        + " method VARCHAR(32) NOT NULL,"
                        + " plan MEDIUMTEXT NULL COMMENT 'JSON, as osc plan --format json',"
                        + " phase VARCHAR(32) NOT NULL,"
                        + " outcome VARCHAR(16) NOT NULL COMMENT 'running, succeeded, failed, aborted or reverted',"
                        + " error TEXT NULL,"
                        + " owner VARCHAR(255) NOT NULL COMMENT 'host:pid of the osc process',"
                        + " started_at DATETIME(6) NOT NULL COMMENT 'UTC',"
                        + " updated_at DATETIME(6) NOT NULL COMMENT 'UTC; refreshed while the process lives',"
                        + " finished_at DATETIME(6) NULL COMMENT 'UTC',"
                        + " cutover_at DATETIME(6) NULL COMMENT 'UTC',"
                        + " revert_until DATETIME(6) NULL COMMENT 'UTC',"
                        + " old_table " + identifier + " NULL,"
                        + " shadow_table " + identifier + " NULL,"
                        + " rows_copied BIGINT NOT NULL DEFAULT 0,"
                        + " rows_total BIGINT NOT NULL DEFAULT 0,"
                        + " changes_applied BIGINT NOT NULL DEFAULT 0,"
                        + " rows_per_second DOUBLE NOT NULL DEFAULT 0,"
                        + " binlog_lag_seconds DOUBLE NOT NULL DEFAULT 0,"
                        + " throttle_reason TEXT NULL,"
                        + " settings TEXT NULL COMMENT 'JSON',"
                        + " checkpoint TEXT NULL COMMENT 'JSON',"
                        + " binlog_file VARCHAR(255) NULL,"
                        + " binlog_pos BIGINT UNSIGNED NULL COMMENT 'the checkpoint''s binlog position',"
                        + " cutover_binlog_file VARCHAR(255) NULL,"
                        + " cutover_binlog_pos BIGINT UNSIGNED NULL COMMENT 'where writes to the new table begin',"
                        + " reverted_at DATETIME(6) NULL COMMENT 'UTC; when osc revert swapped the old table back',"
                        + " reverted_table " + identifier + " NULL COMMENT 'where osc revert kept the table it swapped out',"
                        + " KEY by_table (database_name, table_name, outcome)"
                        + ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COMMENT='osc: one row per migration'",
                "CREATE TABLE IF NOT EXISTS " + control() + " ("
                        + "id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,"
                        + " migration_id BIGINT NOT NULL,"
                        + " command VARCHAR(16) NOT NULL,"
                        + " argument VARCHAR(255) NOT NULL DEFAULT '',"
                        + " requested_by VARCHAR(255) NOT NULL COMMENT 'osuser@host:pid',"
                        + " requested_at DATETIME(6) NOT NULL COMMENT 'UTC',"
                        + " acknowledged_at DATETIME(6) NULL COMMENT 'UTC',"
                        + " accepted BOOL NULL,"
                        + " message TEXT NULL,"
                        + " KEY pending (migration_id, acknowledged_at)"
                        + ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COMMENT='osc: requests to running migrations'");
    }
}
