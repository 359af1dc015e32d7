package dev.osc.cli;

import dev.osc.cli.control.AbortCommand;
import dev.osc.cli.control.CutoverCommand;
import dev.osc.cli.control.PauseCommand;
import dev.osc.cli.control.ResumeCommand;
import dev.osc.cli.control.SetCommand;
import dev.osc.cli.state.CleanupCommand;
import dev.osc.cli.state.StatusCommand;
import dev.osc.cli.state.WaitCommand;
import dev.osc.engine.OscException;
import org.slf4j.bridge.SLF4JBridgeHandler;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code osc} command. */
@Command(name = "osc", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Online schema change for MySQL and MariaDB: change a table without blocking it.",
        subcommands = {PlanCommand.class, RunCommand.class, PauseCommand.class, ResumeCommand.class, SetCommand.class,
                CutoverCommand.class, AbortCommand.class, StatusCommand.class, WaitCommand.class, CleanupCommand.class,
                RevertCommand.class, SandboxCommand.class, DemoCommand.class,
                CommandLine.HelpCommand.class},
        footerHeading = "%nExit codes:%n",
        footer = {ExitCodes.HELP})
public final class OscCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns the exit code, without exiting (tests call this). */
    public static int execute(String... args) {
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        CommandLine cl = new CommandLine(new OscCommand());
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            if (ex instanceof OscException oe) {
                commandLine.getErr().println("osc: " + oe.getMessage());
                return oe.kind().exitCode();
            }
            commandLine.getErr().println("osc: unexpected failure: " + ex);
            ex.printStackTrace(commandLine.getErr());
            return ExitCodes.FAILED;
        });
        return cl.execute(args);
    }
}
