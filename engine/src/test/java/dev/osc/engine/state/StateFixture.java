package dev.osc.engine.state;

import dev.osc.engine.ConnectionConfig;
import dev.osc.engine.Phase;
import dev.osc.engine.plan.Method;
import dev.osc.testing.TestServer;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/** Shared steps of the state tests: a state schema no other test uses, and plain reads of its tables. */
final class StateFixture {
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private StateFixture() {
    }

    /** A schema name nobody uses yet; nothing is created. */
    static StateSchema freshSchema(String prefix) {
        return new StateSchema(prefix + "_" + COUNTER.incrementAndGet() + "_"
                + Long.toString(ThreadLocalRandom.current().nextLong(1L << 30, 1L << 40), 36));
    }

    static ConnectionConfig config(TestServer server) {
        return new ConnectionConfig(server.host(), server.port(), server.user(), server.password());
    }

    static MigrationStart start(String database, String table) {
        return new MigrationStart(database, table, "ADD COLUMN note VARCHAR(64)", Method.COPY, Phase.SETUP,
                "{\"method\":\"copy\"}", table + "_osc_new", table + "_osc_old_20240101_000000", "{\"threads\":2}");
    }

    static long number(TestServer server, String sql, Object... params) throws SQLException {
        try (Connection c = server.connect(null); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Makes a running migration look as if its owner died {@code seconds} ago. */
    static void silence(TestServer server, StateSchema schema, long id, int seconds) throws SQLException {
        try (Connection c = server.connect(null); PreparedStatement ps = c.prepareStatement("UPDATE " + schema.migrations()
                + " SET updated_at = UTC_TIMESTAMP(6) - INTERVAL ? SECOND WHERE id = ?")) {
            ps.setInt(1, seconds);
            ps.setLong(2, id);
            ps.executeUpdate();
        }
    }

    static String stringValue(TestServer server, String sql, Object... params) throws SQLException {
        try (Connection c = server.connect(null); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }
}
