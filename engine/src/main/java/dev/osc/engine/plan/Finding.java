package dev.osc.engine.plan;

import java.util.List;

/**
 * Something the plan found about the change, checked against the table's data where data
 * decides.
 *
 * @param code     stable identifier, documented in docs/planning.md; users accept warnings by it
 * @param count    how many rows (or groups) are affected, or -1 when not counted
 * @param examples a few affected values or keys, as text
 */
public record Finding(String code, Severity severity, String message, long count, List<String> examples) {

    public static Finding blocker(String code, String message) {
        return new Finding(code, Severity.BLOCKER, message, -1, List.of());
    }

    public static Finding warning(String code, String message) {
        return new Finding(code, Severity.WARNING, message, -1, List.of());
    }
}
