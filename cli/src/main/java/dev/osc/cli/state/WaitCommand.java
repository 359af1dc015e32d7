package dev.osc.cli.state;

import dev.osc.cli.ConnectionOptions;
import dev.osc.cli.DurationConverter;
import dev.osc.cli.ExitCodes;
import dev.osc.cli.StateSchemaOption;
import dev.osc.engine.Durations;
import dev.osc.engine.OscException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code osc wait}: block until a table's migration is over, e.g. in an init container before the app starts. */
@Command(name = "wait", mixinStandardHelpOptions = true,
        description = {"Wait until no migration of a table is pending or running (a live run recorded in the state"
                + " schema, or the table's migration lock held), then exit with how the last one ended.",
                "A run whose process stopped updating its record counts as ended, not as running: it died, and"
                + " the migration did not complete (unless a later run succeeded).",
                "When no migration of the table was ever recorded it exits 0 at once; with --require-migration it"
                + " waits, up to --timeout, for one to be recorded and to finish: for init containers that may"
                + " start before the release job that migrates.",
                "Prints one line each time what it waits for changes. Reads only."},
        footerHeading = "%nExit codes:%n", footer = ExitCodes.WAIT_HELP)
public final class WaitCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions connection;

    @Mixin
    StateSchemaOption state;

    @Option(names = "--database", required = true, description = "Database that holds the table.")
    String database;

    @Option(names = "--table", required = true, description = "Table whose migration to wait for.")
    String table;

    @Option(names = "--timeout", defaultValue = "10m", converter = DurationConverter.class,
            description = "Give up (exit 4) after this long (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--poll", defaultValue = "1s", converter = DurationConverter.class,
            description = "How often to look (default: ${DEFAULT-VALUE}).")
    Duration poll;

    @Option(names = "--require-migration",
            description = "When no migration of the table is recorded yet, wait for one to be recorded and finish"
                    + " instead of exiting 0.")
    boolean requireMigration;

    @Override
    public Integer call() {
        if (database.isBlank() || table.isBlank()) {
            throw OscException.badInput("--database and --table must not be empty: name the table whose migration to wait for");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw OscException.badInput("--timeout " + Durations.format(timeout) + " must be positive, e.g. 10m");
        }
        if (poll.isNegative() || poll.isZero()) {
            throw OscException.badInput("--poll " + Durations.format(poll) + " must be positive, e.g. 1s");
        }
        return new MigrationWaiter(connection.toConfig(), state.schema(), database, table, timeout, poll, requireMigration,
                spec.commandLine().getOut(), spec.commandLine().getErr()).await();
    }
}
