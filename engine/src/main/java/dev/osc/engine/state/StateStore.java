package dev.osc.engine.state;

import dev.osc.engine.ConnectionConfig;
import dev.osc.engine.Phase;
import dev.osc.engine.Progress;
import dev.osc.engine.plan.Method;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The {@code migrations} table: a running osc records itself and its progress here, and any host
 * reads it to find, show and steer that migration. One connection, opened on first use and again
 * after a failure; every failure is a {@link StateStoreException} the caller can log and survive.
 * Safe for use by several threads.
 */
public final class StateStore implements AutoCloseable {
    /** How often a running migration should refresh its row ({@link #update}); that refresh is its sign of life. */
    public static final Duration HEARTBEAT = Duration.ofSeconds(5);
    /** Silence after which a running row counts as stale: several missed heartbeats, not one slow one. */
    public static final Duration DEFAULT_STALE_AFTER = Duration.ofSeconds(30);
    /** TEXT holds 65,535 bytes and utf8mb4 takes up to 4 per character; an error's first lines say enough. */
    static final int MAX_ERROR_CHARS = 8_000;

    private static final String COLUMNS = "id, database_name, table_name, alter_text, method, plan, phase, outcome, error,"
            + " owner, started_at, updated_at, finished_at, cutover_at, revert_until, old_table, shadow_table,"
            + " rows_copied, rows_total, changes_applied, rows_per_second, binlog_lag_seconds, throttle_reason,"
            + " settings, checkpoint, binlog_file, binlog_pos, cutover_binlog_file, cutover_binlog_pos";

    private final StateSchema schema;
    private final Duration staleAfter;
    private final StateConnection connection;
    private volatile boolean ensured;

    public StateStore(ConnectionConfig config, StateSchema schema) {
        this(config, schema, DEFAULT_STALE_AFTER);
    }

    /** @param staleAfter silence after which a running migration's row counts as stale */
    public StateStore(ConnectionConfig config, StateSchema schema, Duration staleAfter) {
        if (staleAfter == null || staleAfter.isNegative() || staleAfter.isZero()) {
            throw new IllegalArgumentException("staleAfter must be positive, got " + staleAfter);
        }
        this.schema = schema;
        this.staleAfter = staleAfter;
        this.connection = new StateConnection(config, schema);
    }

    public StateSchema schema() {
        return schema;
    }

    public Duration staleAfter() {
        return staleAfter;
    }

    /** Whether the state schema exists on the server, i.e. some osc has recorded a migration there. */
    public boolean exists() throws StateStoreException {
        return connection.call("read the schema version", c -> schema.installedVersion(c) > 0);
    }

    /**
     * Records a migration that starts, as running and owned by this process, creating the state
     * schema on first use.
     *
     * @return its id, which {@link #update}, {@link #finish} and control requests name
     */
    public long begin(MigrationStart start) throws StateStoreException {
        return connection.call("record the migration of " + start.database() + "." + start.table(), c -> {
            if (!ensured) {
                schema.ensure(c);
                ensured = true;
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + schema.migrations()
                    + " (database_name, table_name, alter_text, method, plan, phase, outcome, owner, started_at, updated_at,"
                    + " shadow_table, old_table, settings)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6), ?, ?, ?)",
                    Statement.RETURN_GENERATED_KEYS)) {
                ps.setString(1, start.database());
                ps.setString(2, start.table());
                ps.setString(3, start.alterText());
                ps.setString(4, label(start.method()));
                ps.setString(5, start.plan());
                ps.setString(6, start.phase().label());
                ps.setString(7, Outcome.RUNNING.label());
                ps.setString(8, ProcessOwner.current());
                ps.setString(9, start.shadowTable());
                ps.setString(10, start.oldTable());
                ps.setString(11, start.settings());
                ps.executeUpdate();
                try (ResultSet keys = ps.getGeneratedKeys()) {
                    keys.next();
                    return keys.getLong(1);
                }
            }
        });
    }

    /** Records where a running migration stands; also its sign of life, so call it at least every {@link #HEARTBEAT}. */
    public void update(long id, Phase phase, Progress progress) throws StateStoreException {
        connection.call("record the progress of migration " + id, c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + schema.migrations()
                    + " SET phase = ?, rows_copied = ?, rows_total = ?, changes_applied = ?, rows_per_second = ?,"
                    + " binlog_lag_seconds = ?, throttle_reason = ?, updated_at = UTC_TIMESTAMP(6)"
                    + " WHERE id = ? AND outcome = ?")) {
                ps.setString(1, phase.label());
                ps.setLong(2, progress.rowsCopied());
                ps.setLong(3, progress.rowsTotal());
                ps.setLong(4, progress.changesApplied());
                ps.setDouble(5, finite(progress.rowsPerSecond()));
                ps.setDouble(6, finite(progress.binlogLagSeconds()));
                ps.setString(7, progress.throttled() ? progress.throttleReason() : null);
                ps.setLong(8, id);
                ps.setString(9, Outcome.RUNNING.label());
                requireRunning(ps.executeUpdate(), id);
            }
            return null;
        });
    }

    /**
     * Records a checkpoint of a running migration: where the copy stands (JSON) and the binlog
     * position from which its changes must be followed again after a crash.
     */
    public void checkpoint(long id, String checkpoint, dev.osc.engine.db.BinlogPosition position)
            throws StateStoreException {
        connection.call("record a checkpoint of migration " + id, c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + schema.migrations()
                    + " SET checkpoint = ?, binlog_file = ?, binlog_pos = ?, updated_at = UTC_TIMESTAMP(6)"
                    + " WHERE id = ? AND outcome = ?")) {
                ps.setString(1, checkpoint);
                ps.setString(2, position == null ? null : position.file());
                if (position == null) {
                    ps.setNull(3, java.sql.Types.BIGINT);
                } else {
                    ps.setLong(3, position.position());
                }
                ps.setLong(4, id);
                ps.setString(5, Outcome.RUNNING.label());
                requireRunning(ps.executeUpdate(), id);
            }
            return null;
        });
    }

    /**
     * Records the swap: when, until when the old table is kept for a revert, and the binlog position
     * where writes to the new table begin.
     */
    public void cutOver(long id, Duration revertWindow, dev.osc.engine.db.BinlogPosition position)
            throws StateStoreException {
        connection.call("record the cut-over of migration " + id, c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + schema.migrations()
                    + " SET cutover_at = UTC_TIMESTAMP(6),"
                    + " revert_until = UTC_TIMESTAMP(6) + INTERVAL ? SECOND,"
                    + " cutover_binlog_file = ?, cutover_binlog_pos = ?, updated_at = UTC_TIMESTAMP(6)"
                    + " WHERE id = ?")) {
                ps.setLong(1, revertWindow.toSeconds());
                ps.setString(2, position.file());
                ps.setLong(3, position.position());
                ps.setLong(4, id);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /**
     * Records that {@code osc revert} swapped the old table of migration {@code id} back, keeping the
     * table it replaced as {@code keptAs}.
     */
    public void reverted(long id, String keptAs) throws StateStoreException {
        connection.call("record the revert of migration " + id, c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + schema.migrations()
                    + " SET outcome = ?, reverted_at = UTC_TIMESTAMP(6), reverted_table = ?, updated_at = UTC_TIMESTAMP(6)"
                    + " WHERE id = ?")) {
                ps.setString(1, Outcome.REVERTED.label());
                ps.setString(2, keptAs);
                ps.setLong(3, id);
                if (ps.executeUpdate() == 0) {
                    throw new StateStoreException("migration " + id + " is no longer in the state store (deleted by someone else)");
                }
            }
            return null;
        });
    }

    /**
     * Records how a migration ended.
     *
     * @param error why it failed or was aborted, or null
     */
    public void finish(long id, Outcome outcome, String error) throws StateStoreException {
        if (outcome == Outcome.RUNNING) {
            throw new IllegalArgumentException("finish needs an outcome other than running");
        }
        connection.call("record the end of migration " + id, c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + schema.migrations()
                    + " SET outcome = ?, error = ?, finished_at = UTC_TIMESTAMP(6), updated_at = UTC_TIMESTAMP(6)"
                    + " WHERE id = ? AND outcome = ?")) {
                ps.setString(1, outcome.label());
                ps.setString(2, error == null || error.length() <= MAX_ERROR_CHARS ? error
                        : error.substring(0, MAX_ERROR_CHARS) + "...");
                ps.setLong(3, id);
                ps.setString(4, Outcome.RUNNING.label());
                requireRunning(ps.executeUpdate(), id);
            }
            return null;
        });
    }

    /**
     * The newest migration of the table that runs and whose owner updated it within
     * {@link #staleAfter()}. A row whose owner went silent is not returned: see {@link #latest}.
     */
    public Optional<MigrationRecord> running(String database, String table) throws StateStoreException {
        return first(select("database_name = ? AND table_name = ? AND outcome = ?"
                + " AND updated_at >= UTC_TIMESTAMP(6) - INTERVAL ? MICROSECOND ORDER BY id DESC LIMIT 1",
                database, table, Outcome.RUNNING.label(), micros(staleAfter)));
    }

    /** The newest migration of the table, whatever its outcome; {@link MigrationRecord#stale()} tells a dead owner. */
    public Optional<MigrationRecord> latest(String database, String table) throws StateStoreException {
        return first(recent(database, table, 1));
    }

    /** The newest migration of the table that swapped tables (its cut-over position is recorded), whatever happened since. */
    public Optional<MigrationRecord> latestCutOver(String database, String table) throws StateStoreException {
        return first(select("database_name = ? AND table_name = ? AND cutover_binlog_file IS NOT NULL"
                + " AND cutover_binlog_pos IS NOT NULL ORDER BY id DESC LIMIT 1", database, table));
    }

    public Optional<MigrationRecord> find(long id) throws StateStoreException {
        return first(select("id = ?", id));
    }

    /** The newest {@code limit} migrations of any table, newest first. */
    public List<MigrationRecord> recent(int limit) throws StateStoreException {
        return select("1 = 1 ORDER BY id DESC LIMIT ?", positive(limit));
    }

    /** The newest {@code limit} migrations of one table, newest first. */
    public List<MigrationRecord> recent(String database, String table, int limit) throws StateStoreException {
        return select("database_name = ? AND table_name = ? ORDER BY id DESC LIMIT ?", database, table, positive(limit));
    }

    /**
     * The newest {@code limit} migrations, newest first, of one database (or any, when null) and
     * one table name (or any, when null).
     */
    public List<MigrationRecord> list(String database, String table, int limit) throws StateStoreException {
        List<Object> params = new ArrayList<>();
        StringBuilder where = new StringBuilder("1 = 1");
        if (database != null) {
            where.append(" AND database_name = ?");
            params.add(database);
        }
        if (table != null) {
            where.append(" AND table_name = ?");
            params.add(table);
        }
        where.append(" ORDER BY id DESC LIMIT ?");
        params.add(positive(limit));
        return select(where.toString(), params.toArray());
    }

    /**
     * The migration of the table that ended last: finished (succeeded, failed, aborted) or stale,
     * a stale row counting as ended when its owner last wrote it. Ordered by that end time, not by
     * id, because runs that waited for one another end in another order than they began.
     */
    public Optional<MigrationRecord> lastEnded(String database, String table) throws StateStoreException {
        return first(select("database_name = ? AND table_name = ?"
                        + " AND (outcome <> ? OR updated_at < UTC_TIMESTAMP(6) - INTERVAL ? MICROSECOND)"
                        + " ORDER BY COALESCE(finished_at, updated_at) DESC, id DESC LIMIT 1",
                database, table, Outcome.RUNNING.label(), micros(staleAfter)));
    }

    /**
     * The migrations of the database (or of every database, when null) that named one of
     * {@code tables} as their old or shadow table, newest first: what {@code osc cleanup} matches
     * leftover tables against. Only those rows, since every deploy adds rows and few name a table
     * that still exists.
     */
    public List<MigrationRecord> naming(String database, java.util.Collection<String> tables) throws StateStoreException {
        if (tables.isEmpty()) {
            return List.of();
        }
        String in = String.join(", ", java.util.Collections.nCopies(tables.size(), "?"));
        List<Object> params = new ArrayList<>();
        StringBuilder where = new StringBuilder("(old_table IN (" + in + ") OR shadow_table IN (" + in + "))");
        params.addAll(tables);
        params.addAll(tables);
        if (database != null) {
            where.append(" AND database_name = ?");
            params.add(database);
        }
        return select(where + " ORDER BY id DESC", params.toArray());
    }

    /** The server's clock in UTC, the clock every time in the state tables comes from. */
    public Instant serverTime() throws StateStoreException {
        return connection.call("read the server's clock", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT UTC_TIMESTAMP(6)"); ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getObject(1, LocalDateTime.class).toInstant(ZoneOffset.UTC);
            }
        });
    }

    /** Rows matching {@code where}; none at all while the state schema does not exist. */
    private List<MigrationRecord> select(String where, Object... params) throws StateStoreException {
        return connection.call("read migrations", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + ", outcome = ? AND updated_at < UTC_TIMESTAMP(6)"
                    + " - INTERVAL ? MICROSECOND AS stale FROM " + schema.migrations() + " WHERE " + where)) {
                ps.setString(1, Outcome.RUNNING.label());
                ps.setLong(2, micros(staleAfter));
                for (int i = 0; i < params.length; i++) {
                    ps.setObject(i + 3, params[i]);
                }
                List<MigrationRecord> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(record(rs));
                    }
                }
                return out;
            } catch (SQLException e) {
                if (StateSchema.isMissing(e)) {
                    return List.of();
                }
                throw e;
            }
        });
    }

    private static MigrationRecord record(ResultSet rs) throws SQLException, StateStoreException {
        long id = rs.getLong("id");
        long binlogPos = rs.getLong("binlog_pos");
        Long pos = rs.wasNull() ? null : binlogPos;
        long cutPos = rs.getLong("cutover_binlog_pos");
        Long cut = rs.wasNull() ? null : cutPos;
        try {
            return new MigrationRecord(id, rs.getString("database_name"), rs.getString("table_name"),
                    rs.getString("alter_text"), method(rs.getString("method")), rs.getString("plan"),
                    phase(rs.getString("phase")), Outcome.fromLabel(rs.getString("outcome")), rs.getString("error"),
                    rs.getString("owner"), instant(rs, "started_at"), instant(rs, "updated_at"), instant(rs, "finished_at"),
                    instant(rs, "cutover_at"), instant(rs, "revert_until"), rs.getString("old_table"),
                    rs.getString("shadow_table"), rs.getLong("rows_copied"), rs.getLong("rows_total"),
                    rs.getLong("changes_applied"), rs.getDouble("rows_per_second"), rs.getDouble("binlog_lag_seconds"),
                    rs.getString("throttle_reason"), rs.getString("settings"), rs.getString("checkpoint"),
                    rs.getString("binlog_file"), pos, rs.getBoolean("stale"), rs.getString("cutover_binlog_file"), cut);
        } catch (IllegalArgumentException e) {
            throw new StateStoreException("migration " + id + " in the state store holds " + e.getMessage()
                    + "; was it written by a newer osc?", e);
        }
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        LocalDateTime utc = rs.getObject(column, LocalDateTime.class);
        return utc == null ? null : utc.toInstant(ZoneOffset.UTC);
    }

    private static String label(Method method) {
        return method.name().toLowerCase(Locale.ROOT);
    }

    private static Method method(String label) {
        return Arrays.stream(Method.values()).filter(m -> label(m).equals(label)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown method '" + label + "'"));
    }

    private static Phase phase(String label) {
        return Arrays.stream(Phase.values()).filter(p -> p.label().equals(label)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown phase '" + label + "'"));
    }

    private static void requireRunning(int updated, long id) throws StateStoreException {
        if (updated == 0) {
            throw new StateStoreException("migration " + id + " is not recorded as running in the state store"
                    + " (its row was finished or deleted by someone else)");
        }
    }

    private static <T> Optional<T> first(List<T> rows) {
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    private static int positive(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, got " + limit);
        }
        return limit;
    }

    private static long micros(Duration d) {
        return d.toNanos() / 1_000;
    }

    /** The server rejects NaN and infinities; a rate not yet known is stored as 0. */
    private static double finite(double v) {
        return Double.isFinite(v) ? v : 0;
    }

    @Override
    public void close() {
        connection.close();
    }
}
