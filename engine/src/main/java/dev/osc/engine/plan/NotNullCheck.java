package dev.osc.engine.plan;

import dev.osc.engine.alter.ColumnMapping;
import dev.osc.engine.db.Sql;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code NULL_INTO_NOT_NULL}: a copied column becomes NOT NULL while rows hold NULL in it. osc
 * copies in strict mode, so the copy would stop on the first such row (and a non-strict copy
 * would silently put 0 or '' there).
 */
public final class NotNullCheck implements FindingCheck {
    public static final String CODE = "NULL_INTO_NOT_NULL";

    @Override
    public List<Finding> check(FindingContext ctx) throws SQLException {
        List<Finding> out = new ArrayList<>();
        String src = Sql.quote(ctx.source().database(), ctx.source().name());
        ColumnMapping mapping = ctx.mapping();
        for (ColumnMapping.Pair p : mapping.copied()) {
            if (!p.source().nullable() || p.target().nullable()) {
                continue;
            }
            String col = "s." + Sql.quote(p.source().name());
            String sql = "SELECT " + String.join(", ", Findings.keyDisplay(mapping, "s")) + ", COUNT(*) OVER ()"
                    + " FROM " + src + " s WHERE " + col + " IS NULL ORDER BY " + Findings.keyOrder(mapping, "s")
                    + " LIMIT " + Findings.EXAMPLES;
            long count = 0;
            List<String> examples = new ArrayList<>();
            try (PreparedStatement ps = ctx.connection().prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    examples.add(Findings.keyExample(mapping, rs, 1));
                    count = rs.getLong(mapping.key().size() + 1);
                }
            }
            if (count == 0) {
                continue;
            }
            String name = p.target().name();
            out.add(new Finding(CODE, Severity.BLOCKER, "column " + name + " becomes NOT NULL but "
                    + Findings.count(count, "row holds", "rows hold") + " NULL in " + (p.renamed() ? p.source().name() : "it")
                    + " (" + Findings.eg(examples) + "): set those rows to a value first (UPDATE ... SET "
                    + Sql.quote(p.source().name()) + " = ... WHERE " + Sql.quote(p.source().name())
                    + " IS NULL), or leave the column nullable", count, List.copyOf(examples)));
        }
        return out;
    }
}
