package dev.osc.engine.revert;

import dev.osc.engine.alter.ColumnMapping;
import dev.osc.engine.cutover.TableNames;
import dev.osc.engine.db.BinlogPosition;
import dev.osc.engine.inspect.Column;
import dev.osc.engine.inspect.TableInfo;
import dev.osc.engine.key.KeyColumn;
import dev.osc.engine.key.PrimaryKey;
import dev.osc.engine.state.MigrationRecord;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One revert's subject, as {@link Preconditions} found it: the migration's record, the table as it
 * is now (the source of the changes), the old table (where they go), and the mapping between them.
 *
 * @param back       the migration's column mapping reversed: source = the table now, target = the old table
 * @param key        the primary key, source = the table now, target = the old table
 * @param names      source = the table, shadow = the old table, old = where the table now is kept
 * @param definition the table's definition when checked; the swap refuses a table changed since
 * @param swap       the migration's own RENAME, which the binlog holds right after the cut-over position
 */
record RevertTarget(MigrationRecord record, TableInfo current, TableInfo old, ColumnMapping back, PrimaryKey key,
                    TableNames names, String definition, String swap) {

    String database() {
        return current.database();
    }

    BinlogPosition from() {
        return record.cutoverPosition().orElseThrow();
    }

    /** The key on the old table's columns alone, for reading and binding keys there. */
    PrimaryKey oldKey() {
        return new PrimaryKey(key.columns().stream().map(k -> new KeyColumn(k.target(), k.target())).toList());
    }

    List<Column> oldKeyColumns() {
        return key.columns().stream().map(KeyColumn::target).toList();
    }

    List<Column> currentKeyColumns() {
        return key.columns().stream().map(KeyColumn::source).toList();
    }

    /**
     * Old-table columns that no column of the table now fills: those the ALTER dropped (and any the
     * ALTER turned into generated ones). Existing rows keep their values there; new rows get the default.
     */
    List<Column> kept() {
        Set<String> filled = back.copied().stream().map(p -> p.target().name().toLowerCase(Locale.ROOT))
                .collect(Collectors.toSet());
        return old.columns().stream().filter(c -> !c.generated())
                .filter(c -> !filled.contains(c.name().toLowerCase(Locale.ROOT))).toList();
    }
}
