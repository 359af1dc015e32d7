package dev.osc.benchmarks.compare;

import java.sql.Connection;
import java.sql.Statement;
import java.util.Optional;

/** The blocking reference: the server's own table copy, during which writes to the table wait. */
final class PlainAlter implements Contender {
    static final String STATEMENT = "ALTER TABLE " + SbTables.qualified(SbTables.DB) + " " + SbTables.ALTER + ", ALGORITHM=COPY";

    @Override
    public String key() {
        return "alter";
    }

    @Override
    public String title() {
        return "ALTER TABLE, ALGORITHM=COPY";
    }

    @Override
    public String commandLine() {
        return STATEMENT;
    }

    @Override
    public Optional<String> unavailable() {
        return Optional.empty();
    }

    @Override
    public Optional<Heap> migrate(Target target) throws Exception {
        try (Connection c = target.db().open(); Statement st = c.createStatement()) {
            st.execute(STATEMENT);
        }
        return Optional.empty();
    }
}
