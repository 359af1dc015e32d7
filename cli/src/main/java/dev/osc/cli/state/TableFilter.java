package dev.osc.cli.state;

import dev.osc.engine.OscException;
import picocli.CommandLine.Option;

/** {@code --database} and {@code --table}, both optional, for commands that look at one table, one database or all. */
public final class TableFilter {
    @Option(names = "--database", description = "Only this database (default: all).")
    String database;

    @Option(names = "--table", description = "Only this table; needs --database.")
    String table;

    /** @throws OscException (bad input) for --table without --database, or an empty name */
    void validate() {
        if (database != null && database.isBlank()) {
            throw OscException.badInput("--database is empty: give a database name, or leave the option out for all");
        }
        if (table != null && table.isBlank()) {
            throw OscException.badInput("--table is empty: give a table name, or leave the option out for all");
        }
        if (table != null && database == null) {
            throw OscException.badInput("--table " + table + " needs --database: give the database that holds it");
        }
    }

    String database() {
        return database;
    }

    String table() {
        return table;
    }

    /** What the filter covers, for messages: "shop.orders", "shop" or "any database". */
    String describe() {
        return database == null ? "any database" : table == null ? database : database + "." + table;
    }
}
