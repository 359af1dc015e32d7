package dev.osc.cli.state;

import dev.osc.cli.ConnectionOptions;
import dev.osc.cli.ExitCodes;
import dev.osc.cli.StateSchemaOption;
import dev.osc.engine.ConnectionConfig;
import dev.osc.engine.OscException;
import dev.osc.engine.db.Sql;
import dev.osc.engine.state.MigrationRecord;
import dev.osc.engine.state.StateSchema;
import dev.osc.engine.state.StateStore;
import dev.osc.engine.state.StateStoreException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code osc status}: the migrations recorded in the state schema, newest first. Reads only. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"List the migrations recorded in osc's state schema, newest first: phase, outcome (a run"
                + " whose process stopped updating shows as stale), progress, rate, ETA, binlog lag, throttling,"
                + " start, cut-over, until when it can be reverted, and errors.",
                "Reads only; it does not create the state schema."},
        footerHeading = "%nExit codes:%n", footer = ExitCodes.STATUS_HELP)
public final class StatusCommand implements Callable<Integer> {
    static final int MAX_LIMIT = 10_000;

    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions connection;

    @Mixin
    TableFilter filter;

    @Mixin
    StateSchemaOption state;

    @Option(names = "--limit", defaultValue = "20", paramLabel = "N",
            description = "Show the newest N migrations, 1-" + MAX_LIMIT + " (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--format", defaultValue = "text",
            description = "text for people, json for programs (default: ${DEFAULT-VALUE}).")
    StatusReport.Format format;

    @Override
    public Integer call() {
        filter.validate();
        if (limit < 1 || limit > MAX_LIMIT) {
            throw OscException.badInput("--limit " + limit + " is out of range: give 1-" + MAX_LIMIT);
        }
        StateSchema schema = state.schema();
        ConnectionConfig config = connection.toConfig();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (StateStore store = new StateStore(config, schema)) {
            boolean exists = store.exists();
            List<MigrationRecord> migrations = exists ? store.list(filter.database(), filter.table(), limit) : List.of();
            if (migrations.isEmpty() && format == StatusReport.Format.text) {
                out.println("no migrations recorded" + (exists ? " for " + filter.describe() + " in " + Sql.quote(schema.name())
                        : ": the state schema " + Sql.quote(schema.name()) + " does not exist on " + config.host() + ":"
                        + config.port() + " (osc run --execute creates it; --state-schema names another)"));
                out.flush();
            } else {
                new StatusReport(schema.name(), store.serverTime(), migrations).print(out, format);
            }
            return ExitCodes.OK;
        } catch (StateStoreException e) {
            err.println("osc: " + e.getMessage());
            err.flush();
            return ExitCodes.SERVER;
        }
    }
}
