package dev.osc.cli;

import dev.osc.engine.MigrationConfig;
import picocli.CommandLine.Option;

/** What to change, shared by {@code osc plan} and {@code osc run}. */
public final class ChangeOptions {
    /** --method */
    public enum MethodChoice { auto, copy }

    @Option(names = "--database", required = true, description = "Database that holds the table.")
    String database;

    @Option(names = "--table", required = true, description = "Table to change.")
    String table;

    @Option(names = "--alter", required = true,
            description = "The change: clauses such as \"ADD COLUMN note VARCHAR(64), DROP INDEX k\", or a whole ALTER TABLE"
                    + " statement for the same table.")
    String alter;

    @Option(names = "--method", defaultValue = "auto",
            description = "auto: apply the change instantly when the server confirms ALGORITHM=INSTANT for it, else copy;"
                    + " copy: always use the shadow-table copy (default: ${DEFAULT-VALUE}).")
    MethodChoice method;

    MigrationConfig.Builder config(ConnectionOptions connection) {
        return MigrationConfig.builder()
                .connection(connection.toConfig())
                .database(database)
                .table(table)
                .alter(alter)
                .allowInstant(method == MethodChoice.auto);
    }
}
