package dev.osc.engine.revert;

import dev.osc.engine.ConnectionConfig;
import dev.osc.engine.Migration;
import dev.osc.engine.MigrationConfig;
import dev.osc.engine.MigrationFixture;
import dev.osc.engine.MigrationListener;
import dev.osc.engine.MigrationResult;
import dev.osc.engine.Phase;
import dev.osc.engine.db.BinlogPosition;
import dev.osc.engine.db.ServerInfo;
import dev.osc.engine.state.MigrationRecord;
import dev.osc.engine.state.StateSchema;
import dev.osc.engine.state.StateStore;
import dev.osc.testing.TestServer;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Shared steps of the revert tests: a migration whose cut-over is recorded, a revert config, and a
 * picture of a database to show that a refused revert changed nothing.
 */
public final class RevertFixture {
    /** The state schema migrations record themselves in by default. */
    public static final StateSchema STATE = StateSchema.defaultSchema();

    private RevertFixture() {
    }

    public static ConnectionConfig connection(TestServer server) {
        return new ConnectionConfig(server.host(), server.port(), server.user(), server.password());
    }

    /**
     * Runs the migration and makes sure its state record has the cut-over fields. Until Migration
     * records them itself, they are written here with the binlog position read when the cut-over
     * phase starts: at or before the swap, which is safe because a change replayed twice is carried
     * back the same. Once Migration writes them, its own values are kept.
     */
    public static MigrationResult migrate(TestServer server, MigrationConfig config, MigrationListener listener)
            throws Exception {
        AtomicReference<BinlogPosition> beforeSwap = new AtomicReference<>();
        MigrationListener capture = new MigrationListener() {
            @Override
            public void phase(Phase phase, String detail) {
                if (phase == Phase.CUT_OVER) {
                    try (Connection c = server.connect(null)) {
                        beforeSwap.set(ServerInfo.binlogPosition(c));
                    } catch (SQLException e) {
                        throw new IllegalStateException(e);
                    }
                }
            }
        };
        // the position first, then the caller's listener: writes it waits for land between position and swap
        MigrationResult result = new Migration(config, MigrationListener.all(capture, listener)).execute();
        try (StateStore store = new StateStore(connection(server), STATE)) {
            MigrationRecord record = store.latest(config.database(), config.table()).orElseThrow();
            if (record.cutoverPosition().isEmpty()) {
                store.cutOver(record.id(), Duration.ofMinutes(30), beforeSwap.get());
            }
        }
        return result;
    }

    public static MigrationResult migrate(TestServer server, String database, String table, String alter) throws Exception {
        return migrate(server, MigrationFixture.config(server, database, table, alter).build(), MigrationListener.NONE);
    }

    public static RevertConfig config(TestServer server, String database, String table) {
        return RevertConfig.of(connection(server), database, table, STATE).withCutOverAttempts(5, Duration.ofMillis(100));
    }

    /** Every table of the database: its definition (with AUTO_INCREMENT) and every row. */
    public static Map<String, String> picture(TestServer server, String database) throws SQLException {
        Map<String, String> out = new LinkedHashMap<>();
        try (Connection c = server.connect(database)) {
            for (String table : MigrationFixture.tables(c, database)) {
                try (PreparedStatement ps = c.prepareStatement("SHOW CREATE TABLE `" + table + "`");
                     ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    out.put(table, rs.getString(2) + "\n" + String.join("\n", MigrationFixture.rows(c, database, table)));
                }
            }
        }
        return out;
    }

    /** The migration's state record, every column, as text. */
    public static String stateRow(TestServer server, String database, String table) throws SQLException {
        try (Connection c = server.connect(null); PreparedStatement ps = c.prepareStatement("SELECT * FROM "
                + STATE.migrations() + " WHERE database_name = ? AND table_name = ? ORDER BY id DESC LIMIT 1")) {
            ps.setString(1, database);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                StringBuilder sb = new StringBuilder();
                if (rs.next()) {
                    for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                        sb.append(rs.getMetaData().getColumnName(i)).append('=').append(rs.getString(i)).append('\n');
                    }
                }
                return sb.toString();
            }
        }
    }

    public static String string(TestServer server, String sql, Object... params) throws SQLException {
        try (Connection c = server.connect(null); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    public static long autoIncrement(TestServer server, String database, String table) throws SQLException {
        return Long.parseLong(string(server, "SELECT AUTO_INCREMENT FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?"
                + " AND TABLE_NAME = ?", database, table));
    }
}
