package dev.osc.engine.check;

import dev.osc.engine.inspect.Column;
import dev.osc.engine.inspect.TableInfo;
import dev.osc.engine.key.KeyColumn;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** The table exists, is InnoDB, has a primary key osc can chunk on, and osc's table names are free. */
public final class TableCheck implements Check {
    @Override
    public List<Problem> run(CheckContext ctx) throws SQLException {
        List<Problem> problems = new ArrayList<>();
        if (!ctx.inspector().databaseExists(ctx.database())) {
            problems.add(Problem.input("TABLE_MISSING", "database " + ctx.database() + " does not exist: check --database"));
            return problems;
        }
        if (ctx.tableInfo().isEmpty()) {
            problems.add(Problem.input("TABLE_MISSING", "table " + ctx.database() + "." + ctx.table()
                    + " does not exist (or is a view): check --table"));
            return problems;
        }
        TableInfo t = ctx.tableInfo().get();
        if (!"InnoDB".equalsIgnoreCase(t.engine())) {
            problems.add(Problem.input("UNSUPPORTED_ENGINE", "table " + t.name() + " uses the " + t.engine()
                    + " engine: osc needs InnoDB (transactions and row locks)"));
        }
        if (t.primaryKey().isEmpty()) {
            problems.add(Problem.input("NO_PRIMARY_KEY", "table " + t.name() + " has no primary key: osc copies and tracks rows by it."
                    + " Add one first (a plain ALTER TABLE ... ADD PRIMARY KEY)"));
        } else if (t.primaryKeyPrefix()) {
            problems.add(Problem.input("NO_PRIMARY_KEY", "the primary key of " + t.name() + " indexes a column prefix only: osc needs whole-column keys"));
        } else {
            for (Column c : t.primaryKeyColumns()) {
                String why = KeyColumn.unsupportedReason(c);
                if (why != null) {
                    problems.add(Problem.input("NO_PRIMARY_KEY", why));
                }
            }
        }
        if (ctx.inspector().tableExists(ctx.database(), ctx.names().shadow())) {
            problems.add(Problem.input("SHADOW_TABLE_EXISTS", "a table named " + ctx.names().shadow() + " already exists; osc builds the new"
                    + " table under that name. If an interrupted osc run left it, drop it (DROP TABLE `"
                    + ctx.names().shadow().replace("`", "``") + "`); otherwise rename it"));
        }
        if (ctx.inspector().tableExists(ctx.database(), ctx.names().old())) {
            problems.add(Problem.input("SHADOW_TABLE_EXISTS", "a table named " + ctx.names().old() + " already exists; osc keeps the old table"
                    + " under that name. Rename or drop it, or wait a second and run again"));
        }
        return problems;
    }
}
