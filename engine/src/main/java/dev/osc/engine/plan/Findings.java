package dev.osc.engine.plan;

import java.util.List;

/** The data-checked findings the planner runs (issue 3). */
public final class Findings {
    private Findings() {
    }

    public static List<FindingCheck> standard() {
        return List.of();
    }
}
