package dev.osc.engine.revert;

import dev.osc.engine.db.BinlogPosition;

import java.time.Instant;
import java.util.List;

/**
 * What a revert does, as checked without changing anything.
 *
 * @param migrationId  the state record of the migration swapped back
 * @param oldTable     the table osc kept at that swap; it becomes the table again
 * @param keptAs       the name the table as it is now gets, with the new schema and every row
 * @param from         the cut-over's binlog position, where writes to the new table begin
 * @param to           where the binlog stood when the changes were counted
 * @param changedRows  rows of the table changed since the cut-over (distinct primary keys), to carry back
 * @param mapping      one line per column: how values go back to the old table
 * @param notes        what the user should know before reverting (e.g. columns filled with their default)
 */
public record RevertPlan(String database, String table, long migrationId, String alterText, String oldTable,
                         String keptAs, Instant cutoverAt, Instant revertUntil, BinlogPosition from, BinlogPosition to,
                         long changedRows, List<String> mapping, List<String> notes) {
}
