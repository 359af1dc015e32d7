package dev.osc.engine.alter;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A parsed, accepted ALTER for one table.
 *
 * @param clauses   the user's own clause text, without the {@code ALTER TABLE name} prefix and
 *                  without ALGORITHM/LOCK options; applied to the shadow table as written
 * @param renamed   old column name to new (lower-case old names), from CHANGE and RENAME COLUMN
 * @param dropped   lower-case names of dropped columns
 * @param added     lower-case names of added columns
 * @param addedIndexes names of indexes the ALTER adds by name
 * @param effectBeyondDefinition the ALTER asks for something a table definition does not show:
 *                  a rebuild (FORCE, ENGINE=) or a new AUTO_INCREMENT counter. Such an ALTER is
 *                  never taken for already applied, however the definition compares.
 */
public record AlterSpec(String clauses, Map<String, String> renamed, Set<String> dropped, Set<String> added,
                        Set<String> addedIndexes, boolean changesPrimaryKey, boolean effectBeyondDefinition,
                        List<String> clauseSummaries) {
}
