package dev.osc.cli.control;

import dev.osc.cli.ExitCodes;
import dev.osc.engine.control.ControlRequest;
import picocli.CommandLine.Command;

/** {@code osc cutover}. */
@Command(name = "cutover", mixinStandardHelpOptions = true,
        description = {"Let a migration whose cut-over waits for the operator swap the tables, from any host with"
                + " access to the database. A migration that does not wait for it refuses (exit 1).",
                "The request goes through osc's state schema on the server; the command waits for the migration to"
                + " acknowledge it and prints its answer."},
        footerHeading = "%nExit codes:%n", footer = ExitCodes.CONTROL_HELP)
public final class CutoverCommand extends SimpleControlCommand {
    @Override
    String command() {
        return ControlRequest.CUTOVER;
    }
}
