package dev.osc.cli.control;

import dev.osc.cli.ExitCodes;
import dev.osc.engine.control.ControlRequest;
import picocli.CommandLine.Command;

/** {@code osc resume}. */
@Command(name = "resume", mixinStandardHelpOptions = true,
        description = {"Resume a migration paused with osc pause, from any host with access to the database.",
                "The request goes through osc's state schema on the server; the command waits for the migration to"
                + " acknowledge it and prints its answer."},
        footerHeading = "%nExit codes:%n", footer = ExitCodes.CONTROL_HELP)
public final class ResumeCommand extends SimpleControlCommand {
    @Override
    String command() {
        return ControlRequest.RESUME;
    }
}
