package dev.osc.engine;

import dev.osc.engine.alter.AlterSpec;
import dev.osc.engine.alter.ColumnMapping;
import dev.osc.engine.cutover.TableNames;
import dev.osc.engine.inspect.TableInfo;
import dev.osc.engine.plan.Estimates;
import dev.osc.engine.plan.Finding;
import dev.osc.engine.plan.Method;
import dev.osc.engine.plan.Severity;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a migration will do, worked out without changing the table: the method and why, the
 * column mapping, estimates, findings and the statements osc will run. Fields that could not be
 * worked out (because a blocker came first) are null.
 */
public record Plan(String database, String table, TableNames names, TableInfo source, AlterSpec alter,
                   ColumnMapping mapping, Method method, String methodReason, Estimates estimates,
                   List<Finding> findings, List<String> statements) {

    public List<Finding> blockers() {
        return findings.stream().filter(f -> f.severity() == Severity.BLOCKER).toList();
    }

    public List<Finding> warnings() {
        return findings.stream().filter(f -> f.severity() == Severity.WARNING).toList();
    }

    public boolean alreadyApplied() {
        return method == Method.ALREADY_APPLIED;
    }

    /** The plan as lines of text for a terminal. */
    public List<String> describe() {
        List<String> out = new ArrayList<>();
        out.add("table:        " + database + "." + table);
        out.add("method:       " + method.name().toLowerCase(Locale.ROOT).replace('_', ' ') + " — " + methodReason);
        if (method == Method.COPY && names != null) {
            out.add("shadow table: " + names.shadow());
            out.add("old table:    " + names.old() + " (kept after the swap)");
        }
        if (mapping != null && method != Method.ALREADY_APPLIED) {
            out.add("columns:");
            mapping.describe().forEach(l -> out.add("  " + l));
        }
        if (estimates != null) {
            out.add("estimates:");
            out.add(String.format(Locale.ROOT, "  rows            about %,d", estimates.rows()));
            out.add(String.format(Locale.ROOT, "  size            %s data, %s indexes", mib(estimates.dataBytes()),
                    mib(estimates.indexBytes())));
            if (method == Method.COPY) {
                out.add("  extra disk      about " + mib(estimates.extraDiskBytes()) + " (shadow table plus binlog)");
                out.add(estimates.copySeconds() < 0 ? "  copy time       unknown (no sample could be taken)"
                        : String.format(Locale.ROOT, "  copy time       about %s (measured %,.0f rows/s on %,d sample rows)",
                        duration(estimates.copySeconds()), estimates.rowsPerSecond(), estimates.sampleRows()));
            }
        }
        out.add("findings:" + (findings.isEmpty() ? " none" : ""));
        for (Finding f : findings) {
            // the message names the first examples itself; the full list is in --format json
            out.add("  " + f.severity().name().toLowerCase(Locale.ROOT) + " " + f.code() + ": " + f.message());
        }
        out.add("statements:" + (statements.isEmpty() ? " none" : ""));
        statements.forEach(s -> out.add("  " + s));
        return out;
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }

    private static String duration(double seconds) {
        return seconds < 90 ? String.format(Locale.ROOT, "%.0f s", Math.max(1, seconds))
                : seconds < 5400 ? String.format(Locale.ROOT, "%.0f min", seconds / 60)
                : String.format(Locale.ROOT, "%.1f h", seconds / 3600);
    }
}
