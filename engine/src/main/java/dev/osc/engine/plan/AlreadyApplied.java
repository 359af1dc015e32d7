package dev.osc.engine.plan;

import dev.osc.engine.alter.AlterSpec;
import dev.osc.engine.cutover.TableNames;
import dev.osc.engine.db.Queries;
import dev.osc.engine.db.Sql;
import dev.osc.engine.inspect.Inspector;
import dev.osc.engine.inspect.TableInfo;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Decides whether a table already has the schema an ALTER would produce, so that running the
 * same migration twice (every deploy instance, a retried pipeline) is a no-op rather than an
 * error. When the ALTER fails on the current table (ADD COLUMN of a column that exists, ...) the
 * state before it is rebuilt on an empty temporary table in two ways, and the ALTER replayed:
 * <ol>
 *   <li>from the current table minus what the ALTER adds by name (its columns and named indexes);</li>
 *   <li>from the old table osc kept after its last migration of this table.</li>
 * </ol>
 * If either replay gives exactly the current table's definition, the change is already applied.
 * A DROP of something that is not there is not taken for applied: it may as well be a typo
 * (the migration state of issue 5 will tell the two apart).
 */
final class AlreadyApplied {
    private final Connection c;
    private final TableInfo source;
    private final AlterSpec spec;
    private final TableNames names;

    AlreadyApplied(Connection c, TableInfo source, AlterSpec spec, TableNames names) {
        this.c = c;
        this.source = source;
        this.spec = spec;
        this.names = names;
    }

    boolean check() throws SQLException {
        String src = Sql.quote(source.database(), source.name());
        List<String> undo = new ArrayList<>();
        for (String column : spec.added()) {
            if (source.column(column).isPresent()) {
                undo.add("DROP COLUMN " + Sql.quote(source.column(column).get().name()));
            }
        }
        for (String index : indexesPresent(spec.addedIndexes())) {
            undo.add("DROP INDEX " + Sql.quote(index));
        }
        if (!undo.isEmpty() && replayMatches(src, String.join(", ", undo))) {
            return true;
        }
        Optional<String> old = latestOldTable();
        return old.isPresent() && replayMatches(Sql.quote(source.database(), old.get()), null);
    }

    /** Builds the assumed earlier state from {@code from} (minus {@code undo}), replays the ALTER, compares. */
    private boolean replayMatches(String from, String undo) throws SQLException {
        String tmp = Sql.quote(source.database(), names.probe());
        try {
            Queries.exec(c, "CREATE TEMPORARY TABLE " + tmp + " LIKE " + from);
            if (undo != null) {
                Queries.exec(c, "ALTER TABLE " + tmp + " " + undo);
            }
            Queries.exec(c, "ALTER TABLE " + tmp + " " + spec.clauses());
            return sameSchema(c, tmp, Sql.quote(source.database(), source.name()));
        } catch (SQLException e) {
            return false;
        } finally {
            Queries.exec(c, "DROP TEMPORARY TABLE IF EXISTS " + tmp);
        }
    }

    private List<String> indexesPresent(java.util.Set<String> wanted) throws SQLException {
        List<String> out = new ArrayList<>();
        if (wanted.isEmpty()) {
            return out;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT INDEX_NAME FROM information_schema.STATISTICS"
                + " WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?")) {
            ps.setString(1, source.database());
            ps.setString(2, source.name());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String name = rs.getString(1);
                    if (wanted.stream().anyMatch(w -> w.equalsIgnoreCase(name))) {
                        out.add(name);
                    }
                }
            }
        }
        return out;
    }

    /** The newest {@code <table>_osc_old_<stamp>}; the stamp sorts by time. */
    private Optional<String> latestOldTable() throws SQLException {
        String prefix = names.old().substring(0, names.old().length() - "yyyyMMdd_HHmmss".length());
        String like = prefix.replace("\\", "\\\\").replace("_", "\\_").replace("%", "\\%") + "%";
        return Queries.string(c, "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?"
                + " AND TABLE_NAME LIKE ? ORDER BY TABLE_NAME DESC LIMIT 1", source.database(), like);
    }

    /** Whether two tables have the same definition, names and AUTO_INCREMENT counters aside. */
    static boolean sameSchema(Connection c, String a, String b) throws SQLException {
        Inspector inspector = new Inspector(c);
        return inspector.definition(a).equals(inspector.definition(b));
    }

}
