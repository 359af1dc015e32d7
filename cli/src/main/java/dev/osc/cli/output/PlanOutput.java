package dev.osc.cli.output;

import dev.osc.engine.Plan;
import java.io.PrintWriter;

/** Prints a plan as text for people or as JSON for programs; both carry the same facts. */
public final class PlanOutput {
    /** --format */
    public enum Format { text, json }

    private PlanOutput() {
    }

    public static void print(PrintWriter out, Plan plan, Format format) {
        if (format == Format.json) {
            out.println(json(plan));
        } else {
            out.println(plan.blockers().isEmpty()
                    ? (plan.alreadyApplied() ? "Plan: already applied, nothing to do." : "Plan (nothing was changed):")
                    : "Plan: refused, a blocker stops this change (nothing was changed):");
            plan.describe().forEach(l -> out.println("  " + l));
        }
        out.flush();
    }

    static String json(Plan plan) {
        return dev.osc.engine.plan.PlanJson.json(plan);
    }
}
