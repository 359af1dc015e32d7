package dev.osc.cli.control;

import dev.osc.cli.ExitCodes;
import dev.osc.engine.control.ControlRequest;
import picocli.CommandLine.Command;

/** {@code osc abort}. */
@Command(name = "abort", mixinStandardHelpOptions = true,
        description = {"Stop the migration running on a table, from any host with access to the database: it drops"
                + " its shadow table and leaves the original table intact; the osc running it exits 1.",
                "The request goes through osc's state schema on the server; the command waits for the migration to"
                + " acknowledge it and prints its answer."},
        footerHeading = "%nExit codes:%n", footer = ExitCodes.CONTROL_HELP)
public final class AbortCommand extends SimpleControlCommand {
    @Override
    String command() {
        return ControlRequest.ABORT;
    }
}
