package dev.osc.cli.state;

import dev.osc.cli.ConnectionOptions;
import dev.osc.cli.ExitCodes;
import dev.osc.cli.StateSchemaOption;
import dev.osc.engine.ConnectionConfig;
import dev.osc.engine.OscException;
import dev.osc.engine.cleanup.Leftover;
import dev.osc.engine.cleanup.LeftoverDropper;
import dev.osc.engine.cleanup.LeftoverFinder;
import dev.osc.engine.db.Connections;
import dev.osc.engine.db.Sql;
import dev.osc.engine.inspect.Inspector;
import dev.osc.engine.state.StateSchema;
import dev.osc.engine.state.StateStore;
import dev.osc.engine.state.StateStoreException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code osc cleanup}: list, and with --execute drop, the tables osc left behind. */
@Command(name = "cleanup", mixinStandardHelpOptions = true,
        description = {"Find the tables osc left next to migrated ones and drop those no longer needed:"
                + " <table>_osc_new shadow tables of runs that are no longer alive (crashed or aborted),"
                + " <table>_osc_old_<yyyyMMdd_HHmmss> old tables whose revert window has ended, empty cut-over"
                + " sentries, and <table>_osc_probe tables of interrupted plans.",
                "An old table's revert window is revert_until of the migration that made it; for an old table no"
                + " migration recorded, the time in its name (this host's time zone) plus 30 minutes.",
                "Without --execute it only prints what it would drop and what it keeps, and why.",
                "Never drops the shadow table of a live migration, even with --force, nor a table of a migrated"
                + " table whose migration lock a session holds; it takes that lock while it drops."},
        footerHeading = "%nExit codes:%n", footer = ExitCodes.CLEANUP_HELP)
public final class CleanupCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions connection;

    @Mixin
    TableFilter filter;

    @Mixin
    StateSchemaOption state;

    @Option(names = "--execute", description = "Drop the tables listed as \"drop\". Without it nothing is dropped.")
    boolean execute;

    @Option(names = "--force", description = "Also drop old tables still inside their revert window (osc revert can then"
            + " no longer go back). Never a live migration's shadow table.")
    boolean force;

    @Override
    public Integer call() {
        filter.validate();
        StateSchema schema = state.schema();
        ConnectionConfig config = connection.toConfig();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (StateStore store = new StateStore(config, schema); Connection c = Connections.open(config)) {
            if (filter.database() != null && !new Inspector(c).databaseExists(filter.database())) {
                throw OscException.badInput("database " + filter.database() + " does not exist on " + config.host() + ":"
                        + config.port() + ": check --database; nothing was dropped");
            }
            List<Leftover> found = new LeftoverFinder(c, store).find(filter.database(), filter.table(), force);
            if (found.isEmpty()) {
                out.println("no tables left by osc in " + filter.describe());
                return ExitCodes.OK;
            }
            if (!execute) {
                for (Leftover l : found) {
                    out.println((l.drop() ? "would drop " : "keep       ") + Sql.quote(l.database(), l.table()) + " ("
                            + l.kind().label() + "): " + l.reason());
                }
                out.println("Dry run: nothing was dropped. Run again with --execute to drop the tables marked"
                        + " \"would drop\".");
                return ExitCodes.OK;
            }
            LeftoverDropper dropper = new LeftoverDropper(c, store);
            int dropped = 0;
            for (Leftover l : found) {
                Leftover done = dropper.drop(l);
                out.println((done.drop() ? "dropped " : "kept    ") + Sql.quote(done.database(), done.table()) + " ("
                        + done.kind().label() + "): " + done.reason());
                out.flush();
                dropped += done.drop() ? 1 : 0;
            }
            out.println(dropped + " dropped, " + (found.size() - dropped) + " kept");
            return ExitCodes.OK;
        } catch (StateStoreException e) {
            err.println("osc: " + e.getMessage());
            return ExitCodes.SERVER;
        } catch (SQLException e) {
            err.println("osc: cleanup failed on " + config.describe() + ": " + e.getMessage()
                    + (e.getErrorCode() == 1142 || e.getErrorCode() == 1044
                    ? " (cleanup needs DROP on the database, and SELECT on " + Sql.quote(schema.name()) + ".*)" : ""));
            return ExitCodes.SERVER;
        } finally {
            out.flush();
            err.flush();
        }
    }
}
