package dev.osc.cli.control;

import dev.osc.cli.DurationConverter;
import dev.osc.engine.Durations;
import dev.osc.engine.OscException;
import picocli.CommandLine.Option;

import java.time.Duration;

/** Which migration a control command addresses, and how long it waits for the answer. */
public final class TargetOptions {
    @Option(names = "--database", required = true, description = "Database that holds the table being migrated.")
    String database;

    @Option(names = "--table", required = true, description = "Table being migrated.")
    String table;

    @Option(names = "--timeout", defaultValue = "10s", converter = DurationConverter.class,
            description = "How long to wait for the migration to acknowledge the request; unanswered, it is withdrawn"
                    + " (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    String database() {
        return database;
    }

    String table() {
        return table;
    }

    /** @throws OscException (bad input) unless positive */
    Duration timeout() {
        if (timeout.isNegative() || timeout.isZero()) {
            throw OscException.badInput("--timeout " + Durations.format(timeout) + " must be positive, e.g. 10s");
        }
        return timeout;
    }
}
