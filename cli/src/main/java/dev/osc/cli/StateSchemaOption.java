package dev.osc.cli;

import dev.osc.engine.state.StateSchema;
import picocli.CommandLine.Option;

/** {@code --state-schema}: where osc keeps its state on the server, shared by every command that reads or writes it. */
public final class StateSchemaOption {
    @Option(names = "--state-schema", defaultValue = StateSchema.DEFAULT_NAME, paramLabel = "SCHEMA",
            description = "Schema that holds osc's state on the server: running migrations and control requests"
                    + " (default: ${DEFAULT-VALUE}).")
    String name;

    /** @throws dev.osc.engine.OscException (bad input) for a name osc cannot use */
    public StateSchema schema() {
        return new StateSchema(name);
    }
}
