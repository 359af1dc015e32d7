package dev.osc.cli.control;

import dev.osc.cli.ExitCodes;
import dev.osc.engine.ConnectionConfig;
import dev.osc.engine.Durations;
import dev.osc.engine.control.ControlRequest;
import dev.osc.engine.db.Sql;
import dev.osc.engine.state.Acknowledgement;
import dev.osc.engine.state.ControlTable;
import dev.osc.engine.state.MigrationRecord;
import dev.osc.engine.state.Outcome;
import dev.osc.engine.state.ProcessOwner;
import dev.osc.engine.state.StateSchema;
import dev.osc.engine.state.StateStore;
import dev.osc.engine.state.StateStoreException;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Sends control requests to the migration running on a table and reports its answers: finds the
 * migration in the state store, queues the requests, waits for the acknowledgements and withdraws
 * what stays unanswered, so a request that was reported as failed never takes effect later.
 */
final class ControlSender {
    /**
     * What an accepted request means for the operator, after the migration's own message (an
     * abort's answer says itself what was dropped).
     */
    private static final Map<String, String> HINTS = Map.of(
            ControlRequest.PAUSE, "osc holds back until `osc resume`",
            ControlRequest.RESUME, "osc goes on",
            ControlRequest.CUTOVER, "osc swaps the tables as soon as it has caught up");

    private final ConnectionConfig config;
    private final StateSchema schema;
    private final String database;
    private final String table;
    private final Duration timeout;
    private final PrintWriter out;
    private final PrintWriter err;

    ControlSender(ConnectionConfig config, StateSchema schema, String database, String table, Duration timeout,
                  PrintWriter out, PrintWriter err) {
        this.config = config;
        this.schema = schema;
        this.database = database;
        this.table = table;
        this.timeout = timeout;
        this.out = out;
        this.err = err;
    }

    /**
     * Sends {@code command} once per argument (one empty argument for commands without one).
     *
     * @return the exit code: 0 all accepted, 1 one refused, 2 no migration runs, 3 server problem, 4 one unanswered
     */
    int send(String command, List<String> arguments) {
        try (StateStore store = new StateStore(config, schema); ControlTable control = new ControlTable(config, schema)) {
            Optional<MigrationRecord> running = store.running(database, table);
            if (running.isEmpty()) {
                err.println("osc: " + noMigration(store));
                return ExitCodes.BAD_INPUT;
            }
            MigrationRecord migration = running.get();
            String requester = ProcessOwner.requester();
            List<Long> ids = new ArrayList<>();
            for (String argument : arguments) {
                ids.add(control.request(migration.id(), command, argument, requester));
            }
            Instant deadline = Instant.now().plus(timeout);
            int code = ExitCodes.OK;
            for (long id : ids) {
                Optional<Acknowledgement> ack = control.awaitAcknowledgement(id, Duration.between(Instant.now(), deadline));
                if (ack.isEmpty()) {
                    if (control.withdraw(id, "withdrawn by " + requester + ": no acknowledgement within "
                            + Durations.format(timeout))) {
                        err.println("osc: " + unanswered(migration, command));
                        code = ExitCodes.NO_ANSWER;
                        continue;
                    }
                    // answered between the last look and the withdrawal
                    ack = control.acknowledgement(id);
                }
                Acknowledgement a = ack.orElseThrow();
                String message = a.message() == null || a.message().isBlank() ? command : a.message();
                if (a.accepted()) {
                    String hint = HINTS.get(command);
                    out.println(hint == null ? message : message + ": " + hint);
                } else {
                    err.println("osc: migration " + migration.id() + " on " + migration.target() + " refused " + command
                            + (a.argument().isEmpty() ? "" : " " + a.argument()) + ": " + message);
                    if (code != ExitCodes.NO_ANSWER) {
                        code = ExitCodes.REFUSED;
                    }
                }
            }
            return code;
        } catch (StateStoreException e) {
            err.println("osc: " + e.getMessage());
            return ExitCodes.SERVER;
        } finally {
            out.flush();
            err.flush();
        }
    }

    private String unanswered(MigrationRecord migration, String command) {
        return "migration " + migration.id() + " on " + migration.target() + " (owner " + migration.owner()
                + ") did not acknowledge " + command + " within " + Durations.format(timeout)
                + ": it may be stuck, or busy in a step that does not poll for requests. The request was withdrawn,"
                + " so it will not act on it later; try again, or look at the osc process " + migration.owner();
    }

    private String noMigration(StateStore store) throws StateStoreException {
        String target = database + "." + table;
        String none = "no migration is running on " + target;
        Optional<MigrationRecord> last = store.latest(database, table);
        if (last.isPresent()) {
            MigrationRecord m = last.get();
            if (m.outcome() == Outcome.RUNNING) {
                return none + ": the last run on " + target + " (id " + m.id() + ", owner " + m.owner()
                        + ") stopped updating at " + utc(m.updatedAt()) + ", more than "
                        + Durations.format(store.staleAfter()) + " ago; its osc process most likely died";
            }
            return none + "; the last run (id " + m.id() + ") ended " + m.outcome().label() + " at " + utc(m.finishedAt());
        }
        if (!store.exists()) {
            return none + ": the state schema " + Sql.quote(schema.name()) + " does not exist on " + config.host() + ":"
                    + config.port() + ", so no osc has run a migration there with --state-schema " + schema.name();
        }
        return none + ": the state schema " + Sql.quote(schema.name()) + " on " + config.host() + ":" + config.port()
                + " has no migration of that table";
    }

    private static String utc(Instant at) {
        return at == null ? "?" : at.truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
