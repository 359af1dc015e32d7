package dev.osc.cli;

import dev.osc.engine.revert.Revert;
import dev.osc.engine.revert.RevertConfig;
import dev.osc.engine.revert.RevertListener;
import dev.osc.engine.revert.RevertPlan;
import dev.osc.engine.revert.RevertResult;
import dev.osc.engine.revert.RevertStep;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code osc revert}: swap back the old table an osc run kept, within its revert window. */
@Command(name = "revert", mixinStandardHelpOptions = true,
        description = {"Undo the last osc run --execute on a table within its revert window: bring the old table it kept"
                + " up to date with every change made since the swap (mapped back to the old columns), verify it, and"
                + " swap it back atomically. The table as it is now is kept as <table>_osc_rev_<time>.",
                "Without --execute this is a dry run: it checks everything, counts the changes since the swap and"
                        + " changes nothing."},
        footerHeading = "%nExit codes:%n", footer = RevertCommand.EXIT_CODES)
public final class RevertCommand implements Callable<Integer> {
    static final String EXIT_CODES = "  0  reverted (for a dry run: the revert can run)%n"
            + "  1  the revert failed; the table is intact and serves (the old table may hold part of the changes;%n"
            + "     running osc revert again carries them all)%n"
            + "  2  refused: no recorded swap, window passed, binlog purged, old table gone or changed, a run holds%n"
            + "     the table, or rows that do not fit the old table (named); nothing was changed%n"
            + "  3  server or connection problem (settings, privileges, unreachable, wrong password); nothing was changed%n";

    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions connection;

    @Option(names = "--database", required = true, description = "Database that holds the table.")
    String database;

    @Option(names = "--table", required = true, description = "Table whose last migration to revert.")
    String table;

    @Option(names = "--execute", description = "Revert. Without it osc only checks and prints what it would do.")
    boolean execute;

    @Option(names = "--lock-wait-timeout", defaultValue = "3s", converter = DurationConverter.class,
            description = "Longest wait for the table lock at the swap, per attempt (default: ${DEFAULT-VALUE}).")
    Duration lockWait;

    @Option(names = "--cutover-attempts", defaultValue = "5",
            description = "Swap attempts before giving up, with growing pauses between them (default: ${DEFAULT-VALUE}).")
    int cutOverAttempts;

    @Mixin
    StateSchemaOption stateSchema;

    @Override
    public Integer call() {
        RevertConfig config = RevertConfig.of(connection.toConfig(), database, table, stateSchema.schema())
                .withLockWait(lockWait).withCutOverAttempts(cutOverAttempts, Duration.ofSeconds(1));
        PrintWriter out = spec.commandLine().getOut();
        RevertListener listener = new RevertListener() {
            @Override
            public void step(RevertStep step, String detail) {
                out.println("[" + step.label() + "] " + detail);
                out.flush();
            }

            @Override
            public void planned(RevertPlan plan) {
                print(out, plan);
            }

            @Override
            public void notice(String message) {
                out.println("note: " + message);
                out.flush();
            }
        };
        Revert revert = new Revert(config, listener);
        if (!execute) {
            revert.dryRun();
            out.println("Dry run: nothing was changed. Run again with --execute to revert.");
            out.flush();
            return ExitCodes.OK;
        }
        RevertResult result = revert.execute();
        out.printf("Reverted: %s has its old schema again. %,d changed rows carried back, %,d rows in both tables at the"
                        + " check; the swap held writes %d ms (attempt %d), %.1f s in all.%n",
                table, result.rowsApplied(), result.tableRows(), result.lockMillis(), result.cutOverAttempts(),
                result.took().toMillis() / 1000.0);
        out.println("The table with the new schema is kept as " + result.plan().keptAs()
                + "; drop it when you no longer need it.");
        out.flush();
        return ExitCodes.OK;
    }

    private static void print(PrintWriter out, RevertPlan plan) {
        out.println();
        out.println("Revert of migration " + plan.migrationId() + " on " + plan.database() + "." + plan.table() + ": "
                + plan.alterText());
        out.println("  swapped at " + plan.cutoverAt() + ", revert window until " + plan.revertUntil() + " (UTC)");
        out.println("  " + plan.oldTable() + " becomes " + plan.table() + " again; " + plan.table()
                + " as it is now is kept as " + plan.keptAs());
        out.printf("  changes since the cut-over: %,d rows (binlog %s to %s)%n", plan.changedRows(), plan.from(), plan.to());
        out.println("  columns, back to the old table:");
        plan.mapping().forEach(line -> out.println("    " + line));
        plan.notes().forEach(note -> out.println("  note: " + note));
        out.println();
        out.flush();
    }
}
