package dev.osc.cli;

import dev.osc.cli.output.PlanOutput;
import dev.osc.cli.output.ProgressOutput;
import dev.osc.engine.Migration;
import dev.osc.engine.Plan;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code osc plan}: what a change would do, cost and risk, before anything happens. */
@Command(name = "plan", mixinStandardHelpOptions = true,
        description = {"Show how osc would carry out a change and whether it can hurt: the method (instant or copy)"
                + " and why, the column mapping, estimates, findings checked against the table's data, and the"
                + " statements osc would run. Changes nothing.",
                "Exit 0 when the change can run, 2 when a blocker refuses it, 3 for server or connection problems."},
        footerHeading = "%nExit codes:%n", footer = ExitCodes.PLAN_HELP)
public final class PlanCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions connection;

    @Mixin
    ChangeOptions change;

    @Option(names = "--format", defaultValue = "text", description = "text or json (default: ${DEFAULT-VALUE}).")
    PlanOutput.Format format;

    @Override
    public Integer call() {
        return show(spec, new Migration(change.config(connection).build(), quiet()), format);
    }

    /** Prints the plan; the exit code says whether the change can run. */
    static int show(CommandSpec spec, Migration migration, PlanOutput.Format format) {
        Plan plan = migration.plan();
        PlanOutput.print(spec.commandLine().getOut(), plan, format);
        // scripts read stderr: the reasons for a refusal go there too
        plan.blockers().forEach(b -> spec.commandLine().getErr().println("osc: " + b.message()));
        spec.commandLine().getErr().flush();
        return plan.blockers().isEmpty() ? ExitCodes.OK : ExitCodes.BAD_INPUT;
    }

    private static ProgressOutput quiet() {
        return new ProgressOutput() {
            @Override
            public void result(dev.osc.engine.MigrationResult result) {
            }
        };
    }
}
