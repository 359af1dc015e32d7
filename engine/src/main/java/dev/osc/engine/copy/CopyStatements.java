package dev.osc.engine.copy;

import dev.osc.engine.alter.ColumnMapping;
import dev.osc.engine.db.Sql;
import dev.osc.engine.key.PrimaryKey;

/**
 * The SQL that fills the shadow table from the source. Reads of the source follow the run's
 * {@link ReadMode}; only the wait for XA transactions ({@link #lockKeys}) always locks.
 */
public final class CopyStatements {
    private final String source;
    private final String shadow;
    private final ColumnMapping mapping;
    private final PrimaryKey key;
    private final String insert;
    private final ReadMode reads;

    /** Locking reads and INSERT: for boundaries, checks and the revert. */
    public CopyStatements(String database, String sourceTable, String shadowTable, ColumnMapping mapping, PrimaryKey key) {
        this(database, sourceTable, shadowTable, mapping, key, false, ReadMode.LOCKING);
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
                          boolean replace, ReadMode reads) {
        this.source = Sql.quote(database, sourceTable);
        this.shadow = Sql.quote(database, shadowTable);
        this.mapping = mapping;
        this.key = key;
        this.insert = replace ? "REPLACE" : "INSERT";
        this.reads = reads;
    }

    public ReadMode reads() {
        return reads;
    }

    public PrimaryKey key() {
        return key;
    }

    /** INSERT INTO shadow SELECT ... FROM source WHERE {@code where} (on source columns). */
    public String insertSelect(String where) {
        return insert + " INTO " + shadow + " (" + mapping.targetColumnList() + ") SELECT " + mapping.sourceColumnList()
                + " FROM " + source + " FORCE INDEX (PRIMARY) WHERE " + where + reads.clause();
    }

    /**
     * The keys of the source rows that match {@code where} (on source columns), in canonical form,
     * read with locks whatever the read mode: it waits until every transaction holding one of those
     * rows has ended.
     */
    public String lockKeys(String where) {
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
