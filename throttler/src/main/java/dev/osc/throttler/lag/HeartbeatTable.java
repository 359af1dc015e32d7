package dev.osc.throttler.lag;

/**
 * The SQL for the heartbeat table {@code <schema>.heartbeat}, shared by the writer on the primary
 * ({@link Heartbeat}) and the readers on the replicas ({@link ReplicaLag}). One row per running
 * migration; {@code written_micros} is osc's own clock, so that a human can read it with
 * {@code FROM_UNIXTIME(written_micros / 1000000)}.
 */
final class HeartbeatTable {
    static final String NAME = "heartbeat";
    /** The width of the {@code id} column. */
    static final int MAX_ID_LENGTH = 64;
    private static final int MAX_SCHEMA_LENGTH = 64;

    private final String schema;
    private final String qualified;

    HeartbeatTable(String schema) {
        if (schema == null || schema.isEmpty() || schema.length() > MAX_SCHEMA_LENGTH) {
            throw new IllegalArgumentException("Heartbeat schema name must have 1 to " + MAX_SCHEMA_LENGTH
                    + " characters: '" + schema + "'");
        }
        this.schema = schema;
        this.qualified = quote(schema) + "." + quote(NAME);
    }

    String schema() {
        return schema;
    }

    static String checkId(String id) {
        if (id == null || id.isEmpty() || id.length() > MAX_ID_LENGTH) {
            throw new IllegalArgumentException("Heartbeat id must have 1 to " + MAX_ID_LENGTH + " characters: '" + id + "'");
        }
        return id;
    }

    String createSchema() {
        return "CREATE DATABASE IF NOT EXISTS " + quote(schema);
    }

    String createTable() {
        return "CREATE TABLE IF NOT EXISTS " + qualified + " ("
                + "id VARCHAR(" + MAX_ID_LENGTH + ") NOT NULL PRIMARY KEY, "
                + "written_micros BIGINT NOT NULL) ENGINE=InnoDB";
    }

    /** Parameters: id, micros, micros. Not VALUES(): MySQL 8.0.20+ deprecates it and MariaDB lacks the alias form. */
    String upsert() {
        return "INSERT INTO " + qualified + " (id, written_micros) VALUES (?, ?) "
                + "ON DUPLICATE KEY UPDATE written_micros = ?";
    }

    /** Parameter: id. */
    String select() {
        return "SELECT written_micros FROM " + qualified + " WHERE id = ?";
    }

    /** Parameter: id. */
    String delete() {
        return "DELETE FROM " + qualified + " WHERE id = ?";
    }

    /** Backticks, doubling any inside: this module has no engine to borrow {@code Sql.quote} from. */
    static String quote(String identifier) {
        return "`" + identifier.replace("`", "``") + "`";
    }

    @Override
    public String toString() {
        return qualified;
    }
}
