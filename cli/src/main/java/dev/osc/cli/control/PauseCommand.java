package dev.osc.cli.control;

import dev.osc.cli.ExitCodes;
import dev.osc.engine.control.ControlRequest;
import picocli.CommandLine.Command;

/** {@code osc pause}. */
@Command(name = "pause", mixinStandardHelpOptions = true,
        description = {"Pause the migration running on a table, from any host with access to the database: osc holds"
                + " back as when throttled, until osc resume.",
                "The request goes through osc's state schema on the server; the command waits for the migration to"
                + " acknowledge it and prints its answer."},
        footerHeading = "%nExit codes:%n", footer = ExitCodes.CONTROL_HELP)
public final class PauseCommand extends SimpleControlCommand {
    @Override
    String command() {
        return ControlRequest.PAUSE;
    }
}
