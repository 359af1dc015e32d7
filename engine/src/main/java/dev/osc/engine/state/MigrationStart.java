package dev.osc.engine.state;

import dev.osc.engine.Phase;
import dev.osc.engine.plan.Method;

import java.util.Objects;

/**
 * What {@link StateStore#begin} records about a migration that starts.
 *
 * @param plan        the plan as JSON, or null
 * @param shadowTable the shadow table's name, or null when the method needs none
 * @param oldTable    the name the original table gets at cut-over, or null
 * @param settings    the settings in force as JSON (threads, chunk-time, ...), or null
 */
public record MigrationStart(String database, String table, String alterText, Method method, Phase phase, String plan,
                             String shadowTable, String oldTable, String settings) {
    public MigrationStart {
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(alterText, "alterText");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(phase, "phase");
    }
}
