package dev.osc.engine.plan;

import dev.osc.engine.db.Sql;
import dev.osc.engine.inspect.Column;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code DROP_ADD_SAME_TYPE}: the ALTER drops a column and adds one of the same type, which
 * often means a rename was meant; the dropped column's values would be lost. Needs no data.
 */
public final class DropAddCheck implements FindingCheck {
    public static final String CODE = "DROP_ADD_SAME_TYPE";

    @Override
    public List<Finding> check(FindingContext ctx) {
        List<Finding> out = new ArrayList<>();
        List<Column> added = ctx.mapping().added().stream().filter(a -> !a.generated()).toList();
        for (Column dropped : ctx.mapping().dropped()) {
            if (dropped.generated()) {
                continue;
            }
            List<Column> same = added.stream().filter(a -> a.columnType().equalsIgnoreCase(dropped.columnType())).toList();
            if (same.isEmpty()) {
                continue;
            }
            Column readded = same.stream().filter(a -> a.name().equalsIgnoreCase(dropped.name())).findFirst().orElse(null);
            String message;
            if (readded != null) {
                message = "column " + dropped.name() + " is dropped and added again with the same type " + dropped.columnType()
                        + ", so every row loses its value of " + dropped.name() + " and gets the new column's default:"
                        + " to change the column in place, use MODIFY COLUMN " + Sql.quote(dropped.name()) + " ... instead";
            } else {
                Column candidate = same.get(0);
                String others = same.size() == 1 ? "" : " (or to one of "
                        + String.join(", ", same.stream().skip(1).map(Column::name).toList()) + ")";
                message = "column " + dropped.name() + " is dropped and column " + candidate.name() + " of the same type "
                        + dropped.columnType() + " is added: did you mean RENAME COLUMN " + Sql.quote(dropped.name()) + " TO "
                        + Sql.quote(candidate.name()) + others + "? the values of " + dropped.name() + " would be lost";
            }
            out.add(Finding.warning(CODE, message));
        }
        return out;
    }
}
