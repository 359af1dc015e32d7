package dev.osc.engine.check;

import java.sql.SQLException;
import java.util.List;

/**
 * Triggers are refused for now: the shadow table has none, so the trigger's effects would
 * change at the swap without the user having decided so.
 */
public final class TriggersCheck implements Check {
    @Override
    public List<Problem> run(CheckContext ctx) throws SQLException {
        if (ctx.tableInfo().isEmpty()) {
            return List.of();
        }
        List<String> triggers = ctx.inspector().triggers(ctx.database(), ctx.table());
        if (triggers.isEmpty()) {
            return List.of();
        }
        return List.of(Problem.input("TRIGGERS", "table " + ctx.table() + " has triggers (" + String.join(", ", triggers)
                + "): osc does not support triggers yet, because they would not be carried over to the new table"
                + " at the swap. Drop them for the migration and re-create them after, or use a plain ALTER TABLE"));
    }
}
