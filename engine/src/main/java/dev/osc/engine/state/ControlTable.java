package dev.osc.engine.state;

import dev.osc.engine.ConnectionConfig;
import dev.osc.engine.control.ControlChannel;
import dev.osc.engine.control.ControlRequest;
import dev.osc.engine.control.Setting;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

/**
 * The {@code control} table: operators on any host queue requests for a running migration here,
 * the migration answers through {@link #channel}, and the sender waits for that answer. Requests
 * for one migration are acted on oldest first. Safe for use by several threads.
 */
public final class ControlTable implements AutoCloseable {
    /** How often {@link #awaitAcknowledgement} looks for the answer. */
    public static final Duration POLL_INTERVAL = Duration.ofMillis(100);
    /** The commands a migration understands. */
    public static final List<String> COMMANDS = List.of(ControlRequest.PAUSE, ControlRequest.RESUME, ControlRequest.SET,
            ControlRequest.CUTOVER, ControlRequest.ABORT);
    static final int MAX_ARGUMENT = 255;

    private final StateSchema schema;
    private final StateConnection connection;

    public ControlTable(ConnectionConfig config, StateSchema schema) {
        this.schema = schema;
        this.connection = new StateConnection(config, schema);
    }

    /**
     * Queues a request for a migration.
     *
     * @param argument    for {@code set}: {@code name=value}, checked with {@link Setting}; otherwise empty or null
     * @param requestedBy who asks, e.g. {@link ProcessOwner#requester()}
     * @return the request's id, for {@link #awaitAcknowledgement}
     * @throws IllegalArgumentException for an unknown command or an invalid {@code set} argument
     */
    public long request(long migrationId, String command, String argument, String requestedBy) throws StateStoreException {
        String arg = argument == null ? "" : argument;
        validate(command, arg);
        return connection.call("queue the request '" + command + "' for migration " + migrationId, c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + schema.control()
                    + " (migration_id, command, argument, requested_by, requested_at) VALUES (?, ?, ?, ?, UTC_TIMESTAMP(6))",
                    Statement.RETURN_GENERATED_KEYS)) {
                ps.setLong(1, migrationId);
                ps.setString(2, command);
                ps.setString(3, arg);
                ps.setString(4, requestedBy == null ? "" : requestedBy);
                ps.executeUpdate();
                try (ResultSet keys = ps.getGeneratedKeys()) {
                    keys.next();
                    return keys.getLong(1);
                }
            }
        });
    }

    /** The answer to a request, if there is one yet. */
    public Optional<Acknowledgement> acknowledgement(long requestId) throws StateStoreException {
        return connection.call("read the answer to request " + requestId, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT command, argument, accepted, message, acknowledged_at FROM "
                    + schema.control() + " WHERE id = ? AND acknowledged_at IS NOT NULL")) {
                ps.setLong(1, requestId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    LocalDateTime at = rs.getObject("acknowledged_at", LocalDateTime.class);
                    return Optional.of(new Acknowledgement(requestId, rs.getString("command"), rs.getString("argument"),
                            rs.getBoolean("accepted"), rs.getString("message"), at.toInstant(ZoneOffset.UTC)));
                }
            }
        });
    }

    /**
     * Polls every {@link #POLL_INTERVAL} for the answer to a request.
     *
     * @return empty when none came within {@code timeout} (or the thread was interrupted)
     */
    public Optional<Acknowledgement> awaitAcknowledgement(long requestId, Duration timeout) throws StateStoreException {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            Optional<Acknowledgement> ack = acknowledgement(requestId);
            Duration left = Duration.between(Instant.now(), deadline);
            if (ack.isPresent() || left.isNegative() || left.isZero()) {
                return ack;
            }
            try {
                Thread.sleep(Math.max(1, Math.min(POLL_INTERVAL.toMillis(), left.toMillis())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return acknowledgement(requestId);
            }
        }
    }

    /**
     * Takes back a request the migration has not answered, by answering it as refused with
     * {@code reason}: the migration never sees it in {@link ControlChannel#pending()} again.
     *
     * @return false when the migration answered first; {@link #acknowledgement} then has its answer
     */
    public boolean withdraw(long requestId, String reason) throws StateStoreException {
        return connection.call("withdraw request " + requestId, c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + schema.control()
                    + " SET acknowledged_at = UTC_TIMESTAMP(6), accepted = FALSE, message = ?"
                    + " WHERE id = ? AND acknowledged_at IS NULL")) {
                ps.setString(1, reason);
                ps.setLong(2, requestId);
                return ps.executeUpdate() == 1;
            }
        });
    }

    /** The channel through which migration {@code migrationId} reads its requests and answers them. */
    public ControlChannel channel(long migrationId) {
        return new TableChannel(connection, schema, migrationId);
    }

    private static void validate(String command, String argument) {
        if (!COMMANDS.contains(command)) {
            throw new IllegalArgumentException("unknown control command '" + command + "'; commands: "
                    + String.join(", ", COMMANDS));
        }
        if (argument.length() > MAX_ARGUMENT) {
            throw new IllegalArgumentException("the argument of '" + command + "' is longer than " + MAX_ARGUMENT + " characters");
        }
        if (command.equals(ControlRequest.SET)) {
            int eq = argument.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("set needs name=value, got '" + argument + "'");
            }
            Setting.named(argument.substring(0, eq)).parse(argument.substring(eq + 1));
        }
    }

    @Override
    public void close() {
        connection.close();
    }
}
