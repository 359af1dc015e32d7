package dev.osc.engine.revert;

import dev.osc.engine.alter.ColumnMapping;
import dev.osc.engine.copy.CopyStatements;
import dev.osc.engine.db.Queries;
import dev.osc.engine.db.Retry;
import dev.osc.engine.db.Sql;
import dev.osc.engine.inspect.Column;
import dev.osc.engine.key.KeyColumn;
import dev.osc.engine.key.PrimaryKey;
import dev.osc.engine.key.RowKey;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Carries changed rows back from the table to the old table, as osc's applier does the other way:
 * for a set of changed keys, delete them from the old table and insert whatever the table holds for
 * them now, mapped back ({@link CopyStatements} with the roles reversed). All deletes of a set run
 * before its inserts, in one transaction, so a unique value that moved between rows of the set
 * never collides with itself; the inserts are locking reads of the table, so no change slips
 * between the binlog and the copy. The same transaction compares the rows it wrote with their
 * source ({@link RowComparer}) and rolls back if any differs.
 *
 * <p>Old-table columns that the table lacks (the ALTER dropped them) would lose their values in the
 * delete: their values are set aside in a temporary table first and written back with the row;
 * rows the old table did not have get the column's default.
 */
final class RevertApplier {
    private final RevertTarget target;
    private final PrimaryKey key;
    private final PrimaryKey oldKey;
    private final CopyStatements statements;
    private final RowComparer comparer;
    private final int batchKeys;
    private final List<Column> kept;
    private final String stash;
    private final List<String> stashKeys = new ArrayList<>();
    private final List<String> stashValues = new ArrayList<>();

    RevertApplier(RevertTarget target, int batchKeys) {
        this.target = target;
        this.key = target.key();
        this.oldKey = target.oldKey();
        // INSERT, never REPLACE: a REPLACE would delete a colliding stale row and its kept values with it
        this.statements = new CopyStatements(target.database(), target.current().name(), target.old().name(),
                target.back(), key);
        this.comparer = new RowComparer(target);
        this.batchKeys = batchKeys;
        this.kept = target.kept();
        this.stash = Sql.quote(target.database(), "osc_revert_keep_" + Long.toHexString(System.nanoTime() & 0xffffffffL));
        Set<String> taken = target.current().columns().stream().map(c -> c.name().toLowerCase(Locale.ROOT))
                .collect(Collectors.toSet());
        String prefix = "osc_keep_";
        while (startsAny(taken, prefix)) {
            prefix = "_" + prefix;
        }
        for (int i = 0; i < key.size(); i++) {
            stashKeys.add(prefix + "k" + i);
        }
        for (int i = 0; i < kept.size(); i++) {
            stashValues.add(prefix + "v" + i);
        }
    }

    private static boolean startsAny(Set<String> names, String prefix) {
        return names.stream().anyMatch(n -> n.startsWith(prefix));
    }

    /**
     * Carries the rows of {@code keys} back in one transaction.
     *
     * @return keys to carry back again: rows that appeared in the table after they were read
     */
    List<RowKey> apply(Connection c, List<RowKey> keys) throws SQLException {
        if (keys.isEmpty()) {
            return List.of();
        }
        return Retry.onLockConflict("carrying changes back", () -> Retry.inTransaction(c, () -> {
            if (!kept.isEmpty()) {
                setAside(c, keys);
            }
            for (List<RowKey> part : parts(keys)) {
                delete(c, part);
            }
            for (List<RowKey> part : parts(keys)) {
                insert(c, part);
            }
            return comparer.compare(c, keys);
        }));
    }

    private List<List<RowKey>> parts(List<RowKey> keys) {
        List<List<RowKey>> out = new ArrayList<>();
        for (int from = 0; from < keys.size(); from += batchKeys) {
            out.add(keys.subList(from, Math.min(keys.size(), from + batchKeys)));
        }
        return out;
    }

    private void delete(Connection c, List<RowKey> keys) throws SQLException {
        PrimaryKey.Predicate onOld = key.in(true, keys.size());
        try (PreparedStatement ps = c.prepareStatement(statements.deleteFromShadow(onOld.sql()))) {
            key.bindAll(ps, 1, onOld, keys);
            ps.executeUpdate();
        }
    }

    private void insert(Connection c, List<RowKey> keys) throws SQLException {
        PrimaryKey.Predicate onCurrent = key.in(false, keys.size());
        if (kept.isEmpty()) {
            try (PreparedStatement ps = c.prepareStatement(statements.insertSelect(onCurrent.sql()))) {
                key.bindAll(ps, 1, onCurrent, keys);
                ps.executeUpdate();
            }
            return;
        }
        // rows the old table had: with their set-aside values; rows it did not have: with the defaults
        for (boolean existed : new boolean[] {true, false}) {
            try (PreparedStatement ps = c.prepareStatement(insertWithKept(existed, onCurrent.sql()))) {
                key.bindAll(ps, 1, onCurrent, keys);
                ps.executeUpdate();
            }
        }
    }

    /**
     * The copy of changed rows joined with the set-aside values by key. Nothing is aliased: under
     * the swap's LOCK TABLES a table may only be named as it was locked. The set-aside table's
     * columns have names the table does not use, so the key predicate's bare names stay unambiguous.
     */
    private String insertWithKept(boolean existed, String where) {
        ColumnMapping back = target.back();
        String src = Sql.quote(target.database(), target.current().name());
        String targets = back.targetColumnList() + (existed ? ", " + kept.stream().map(col -> Sql.quote(col.name()))
                .collect(Collectors.joining(", ")) : "");
        String sources = back.copied().stream().map(p -> src + "." + Sql.quote(p.source().name()))
                .collect(Collectors.joining(", "))
                + (existed ? ", " + stashValues.stream().map(v -> stash + "." + Sql.quote(v)).collect(Collectors.joining(", ")) : "");
        List<String> on = new ArrayList<>();
        for (int i = 0; i < key.size(); i++) {
            on.add(src + "." + Sql.quote(key.columns().get(i).source().name()) + " = " + stash + "." + Sql.quote(stashKeys.get(i)));
        }
        return "INSERT INTO " + Sql.quote(target.database(), target.old().name()) + " (" + targets + ") SELECT " + sources
                + " FROM " + src + " FORCE INDEX (PRIMARY) " + (existed ? "JOIN " : "LEFT JOIN ") + stash + " ON "
                + String.join(" AND ", on) + " WHERE " + where
                + (existed ? "" : " AND " + stash + "." + Sql.quote(stashKeys.get(0)) + " IS NULL") + " LOCK IN SHARE MODE";
    }

    /** Copies the kept columns of the old rows of {@code keys} into this session's temporary table. */
    private void setAside(Connection c, List<RowKey> keys) throws SQLException {
        String old = Sql.quote(target.database(), target.old().name());
        List<String> select = new ArrayList<>();
        List<KeyColumn> keyColumns = key.columns();
        for (int i = 0; i < keyColumns.size(); i++) {
            select.add(Sql.quote(keyColumns.get(i).target().name()) + " AS " + Sql.quote(stashKeys.get(i)));
        }
        for (int i = 0; i < kept.size(); i++) {
            select.add(Sql.quote(kept.get(i).name()) + " AS " + Sql.quote(stashValues.get(i)));
        }
        // a temporary table is the session's own, also usable under LOCK TABLES; created on first use
        Queries.exec(c, "CREATE TEMPORARY TABLE IF NOT EXISTS " + stash + " (PRIMARY KEY ("
                + stashKeys.stream().map(Sql::quote).collect(Collectors.joining(", ")) + ")) SELECT "
                + String.join(", ", select) + " FROM " + old + " LIMIT 0");
        Queries.exec(c, "DELETE FROM " + stash);
        for (List<RowKey> part : parts(keys)) {
            PrimaryKey.Predicate onOld = oldKey.in(false, part.size());
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + stash + " SELECT " + String.join(", ", select)
                    + " FROM " + old + " WHERE " + onOld.sql())) {
                oldKey.bindAll(ps, 1, onOld, part);
                ps.executeUpdate();
            }
        }
    }
}
