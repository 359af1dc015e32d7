package dev.osc.engine.check;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Foreign keys are refused for now: after the swap, constraints of child tables would still point
 * at the old table, and the shadow table's own constraints would get new names.
 */
public final class ForeignKeysCheck implements Check {
    @Override
    public List<Problem> run(CheckContext ctx) throws SQLException {
        if (ctx.tableInfo().isEmpty()) {
            return List.of();
        }
        List<Problem> problems = new ArrayList<>();
        List<String> from = ctx.inspector().foreignKeysFrom(ctx.database(), ctx.table());
        if (!from.isEmpty()) {
            problems.add(Problem.input("FOREIGN_KEYS", "table " + ctx.table() + " has foreign keys (" + String.join(", ", from)
                    + "): osc does not support foreign keys yet, because the swapped table would carry them under"
                    + " other names. Use a plain ALTER TABLE for this table"));
        }
        List<String> to = ctx.inspector().foreignKeysTo(ctx.database(), ctx.table());
        if (!to.isEmpty()) {
            problems.add(Problem.input("FOREIGN_KEYS", "foreign keys of other tables reference " + ctx.table() + " (" + String.join(", ", to)
                    + "): osc does not support them yet, because after the swap they would point at the old table."
                    + " Use a plain ALTER TABLE for this table"));
        }
        return problems;
    }
}
