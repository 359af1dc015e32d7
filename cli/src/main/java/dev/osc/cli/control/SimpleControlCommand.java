package dev.osc.cli.control;

import dev.osc.cli.ConnectionOptions;
import dev.osc.cli.StateSchemaOption;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.List;
import java.util.concurrent.Callable;

/** A control command that takes no argument: its options and the sending, shared by its subclasses. */
abstract class SimpleControlCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions connection;

    @Mixin
    TargetOptions target;

    @Mixin
    StateSchemaOption state;

    /** The command sent, one of {@link dev.osc.engine.state.ControlTable#COMMANDS}. */
    abstract String command();

    @Override
    public Integer call() {
        return sender(spec, connection, target, state).send(command(), List.of(""));
    }

    /** Validates the options (bad input exits 2 through osc's handler) and builds the sender. */
    static ControlSender sender(CommandSpec spec, ConnectionOptions connection, TargetOptions target, StateSchemaOption state) {
        return new ControlSender(connection.toConfig(), state.schema(), target.database(), target.table(), target.timeout(),
                spec.commandLine().getOut(), spec.commandLine().getErr());
    }
}
