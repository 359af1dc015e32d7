package dev.osc.engine.copy;

import dev.osc.engine.alter.ColumnMapping;
import dev.osc.engine.db.Sql;
import dev.osc.engine.key.PrimaryKey;

/**
 * The SQL that fills the shadow table from the source. Reads of the source are locking reads
 * ({@code LOCK IN SHARE MODE}, understood by MySQL and MariaDB): a transaction whose rows are
 * already in the binlog but not yet committed in InnoDB is waited for rather than read as it
 * was, so no change slips between the binlog and the copy.
 */
public final class CopyStatements {
    private final String source;
    private final String shadow;
    private final ColumnMapping mapping;
    private final PrimaryKey key;
    private final String insert;

    public CopyStatements(String database, String sourceTable, String shadowTable, ColumnMapping mapping, PrimaryKey key) {
        this(database, sourceTable, shadowTable, mapping, key, false);
    }

    /**
     * @param replace write with REPLACE: allowed only when every unique key of the shadow is one the
     *                source enforces too. A collision on such a key can then only be with a stale
     *                shadow row whose own change is still on its way through the binlog (a unique
     *                value moved between rows); replacing it is safe because that change will
     *                re-apply it. A unique key new in the ALTER may meet real duplicates, which must
     *                stop the migration instead, so those tables use INSERT.
     */
    public CopyStatements(String database, String sourceTable, String shadowTable, ColumnMapping mapping, PrimaryKey key,
                          boolean replace) {
        this.source = Sql.quote(database, sourceTable);
        this.shadow = Sql.quote(database, shadowTable);
        this.mapping = mapping;
        this.key = key;
        this.insert = replace ? "REPLACE" : "INSERT";
    }

    public PrimaryKey key() {
        return key;
    }

    /** INSERT INTO shadow SELECT ... FROM source WHERE {@code where} (on source columns). */
    public String insertSelect(String where) {
        return insert + " INTO " + shadow + " (" + mapping.targetColumnList() + ") SELECT " + mapping.sourceColumnList()
                + " FROM " + source + " FORCE INDEX (PRIMARY) WHERE " + where + " LOCK IN SHARE MODE";
    }

    /**
     * The keys of the source rows that match {@code where} (on source columns), in canonical form.
     * A locking read, like the copy's: a row whose transaction is in the binlog but not yet
     * committed in InnoDB is waited for, not missed.
     */
    public String selectKeys(String where) {
        return "SELECT " + key.selectList() + " FROM " + source + " FORCE INDEX (PRIMARY) WHERE " + where
                + " LOCK IN SHARE MODE";
    }

    /** DELETE FROM shadow WHERE {@code where} (on shadow columns). */
    public String deleteFromShadow(String where) {
        return "DELETE FROM " + shadow + " WHERE " + where;
    }

    /** The key of the row {@code ?} rows after the lower bound (or after the start when {@code first}). */
    public String boundary(boolean first) {
        return "SELECT " + key.selectList() + " FROM " + source + " FORCE INDEX (PRIMARY)"
                + (first ? "" : " WHERE " + key.greaterThan(false).sql())
                + " ORDER BY " + key.orderBy() + " LIMIT 1 OFFSET ?";
    }
}
