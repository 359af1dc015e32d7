package dev.osc.engine.state;

import dev.osc.engine.control.ControlChannel;
import dev.osc.engine.control.ControlRequest;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** {@link ControlChannel} over the {@code control} table, for one migration. */
final class TableChannel implements ControlChannel {
    /** TEXT holds 65,535 bytes and utf8mb4 takes up to 4 per character. */
    static final int MAX_MESSAGE_CHARS = 8_000;

    private final StateConnection connection;
    private final StateSchema schema;
    private final long migrationId;

    TableChannel(StateConnection connection, StateSchema schema, long migrationId) {
        this.connection = connection;
        this.schema = schema;
        this.migrationId = migrationId;
    }

    @Override
    public List<ControlRequest> pending() throws SQLException {
        try {
            return connection.call("read the requests for migration " + migrationId, c -> {
                try (PreparedStatement ps = c.prepareStatement("SELECT id, command, argument FROM " + schema.control()
                        + " WHERE migration_id = ? AND acknowledged_at IS NULL ORDER BY id")) {
                    ps.setLong(1, migrationId);
                    List<ControlRequest> out = new ArrayList<>();
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            out.add(new ControlRequest(rs.getLong(1), rs.getString(2), rs.getString(3)));
                        }
                    }
                    return out;
                }
            });
        } catch (StateStoreException e) {
            throw new SQLException(e.getMessage(), e);
        }
    }

    /** An answer to a request the sender has withdrawn in the meantime is dropped: the withdrawal stands. */
    @Override
    public void acknowledge(long id, boolean accepted, String message) throws SQLException {
        String text = message == null || message.length() <= MAX_MESSAGE_CHARS ? message
                : message.substring(0, MAX_MESSAGE_CHARS) + "...";
        try {
            connection.call("answer request " + id + " of migration " + migrationId, c -> {
                try (PreparedStatement ps = c.prepareStatement("UPDATE " + schema.control()
                        + " SET acknowledged_at = UTC_TIMESTAMP(6), accepted = ?, message = ?"
                        + " WHERE id = ? AND migration_id = ? AND acknowledged_at IS NULL")) {
                    ps.setBoolean(1, accepted);
                    ps.setString(2, text);
                    ps.setLong(3, id);
                    ps.setLong(4, migrationId);
                    return ps.executeUpdate();
                }
            });
        } catch (StateStoreException e) {
            throw new SQLException(e.getMessage(), e);
        }
    }
}
