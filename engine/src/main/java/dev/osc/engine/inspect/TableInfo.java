package dev.osc.engine.inspect;

import java.util.List;
import java.util.Optional;

/**
 * The structure of one table.
 *
 * @param primaryKey      primary key column names in key order; empty when there is none
 * @param primaryKeyPrefix true when a key column is indexed by a prefix only
 * @param rowsEstimate    the server's row estimate (information_schema.TABLES.TABLE_ROWS)
 */
public record TableInfo(String database, String name, String engine, List<Column> columns, List<String> primaryKey,
                        boolean primaryKeyPrefix, long rowsEstimate, long dataBytes, long indexBytes) {

    public Optional<Column> column(String columnName) {
        return columns.stream().filter(c -> c.name().equalsIgnoreCase(columnName)).findFirst();
    }

    public List<Column> primaryKeyColumns() {
        return primaryKey.stream().map(n -> column(n).orElseThrow()).toList();
    }
}
