package dev.osc.cli.demo;

import dev.osc.engine.MigrationResult;
import dev.osc.engine.Phase;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/**
 * The demo's closing summary: what the migration did, how the write load fared before and
 * during it, and whether the migrated table matches the control table.
 *
 * @param migration      the migration's result, or null when it failed
 * @param migrationError why the migration failed, or null
 * @param loadStart      System.nanoTime() values that bound the load's windows; the baseline
 *                       runs from baselineStart (after the load's warm-up) to migrationStart
 * @param compare        the verification, or null when it did not run
 * @param verifyError    why the verification could not run, or null
 */
public record DemoReport(long rows, int rate, MigrationResult migration, String migrationError,
                         WriteLoad.Counts load, LatencyStats latency, PhaseTimeline timeline,
                         long loadStart, long baselineStart, long migrationStart, long migrationEnd, long loadEnd,
                         TableCompare.Result compare, String verifyError) {

    /** True when the migration succeeded and the tables are identical. */
    public boolean success() {
        return migration != null && compare != null && compare.equal();
    }

    public void print(PrintWriter out) {
        out.println();
        out.println("Demo summary");
        out.printf(Locale.ROOT, "  table             %s.%s, %,d rows at the start%n", SampleTable.DATABASE,
                SampleTable.TABLE, rows);
        if (migration != null) {
            out.printf(Locale.ROOT, "  migration         done: %,d rows copied in %.1f s, %,d changes applied,"
                            + " total %.1f s%n", migration.rowsCopied(), seconds(migration.copyTime().toNanos()),
                    migration.changesApplied(), seconds(migration.total().toNanos()));
            out.printf(Locale.ROOT, "  checksum          %,d rows equal (%d round%s, %d range%s repaired)%n",
                    migration.rowsChecked(), migration.checksumRounds(), migration.checksumRounds() == 1 ? "" : "s",
                    migration.rangesRepaired(), migration.rangesRepaired() == 1 ? "" : "s");
            out.printf(Locale.ROOT, "  cut-over          writes held %,d ms (attempt %d); old table kept as %s%n",
                    migration.lockMillis(), migration.cutOverAttempts(), migration.plan().names().old());
        } else {
            out.printf("  migration         FAILED: %s%n", migrationError);
        }
        double loadSeconds = seconds(loadEnd - loadStart);
        out.printf(Locale.ROOT, "  load              %,d transactions in %.1f s = %.1f tx/s (target %d): %,d committed,"
                        + " %,d rolled back on purpose%n", load.transactions(), loadSeconds,
                load.transactions() / Math.max(0.001, loadSeconds), rate, load.committed(), load.rolledBack());
        out.printf(Locale.ROOT, "                    errors %,d, deadlock/lock-wait retries %,d, slots skipped when"
                + " more than 1 s behind %,d%n", load.errors(), load.retries(), load.skipped());
        load.firstErrors().forEach(e -> out.println("                    error: " + e));
        out.println("  load latency (ms, from each transaction's due time to its commit)");
        out.println("                        count      p50      p99      max");
        row(out, "before migration", latency.window(baselineStart, migrationStart));
        row(out, "during migration", latency.window(migrationStart, migrationEnd));
        row(out, "after cut-over", latency.window(migrationEnd, loadEnd));
        latency.worstSecond(migrationStart, migrationEnd).ifPresent(s -> out.printf(Locale.ROOT,
                "  worst second      p99 %.1f ms (%d transactions), %.0f s into the migration, during %s%n", s.p99(),
                s.count(), seconds(s.startNanos() - migrationStart), label(timeline.phaseAt(s.startNanos() + 999_999_999L))));
        out.println("  p99 per second before the migration (ms; the first second is warm-up, left out above):");
        out.println(wrap(perSecond(loadStart, migrationStart), "    "));
        out.println("  p99 per second during the migration (ms; phase starts marked):");
        out.println(wrap(perSecond(migrationStart, migrationEnd), "    "));
        if (compare != null) {
            if (compare.schemaProblem() != null) {
                out.println("  verification      DIFFERENT schemas: " + compare.schemaProblem());
            } else if (compare.equal()) {
                out.printf(Locale.ROOT, "  verification      IDENTICAL: %s and %s hold the same %,d rows, all columns%n",
                        SampleTable.TABLE, SampleTable.CONTROL, compare.leftRows());
            } else {
                out.printf(Locale.ROOT, "  verification      DIFFERENT: %,d rows in %s, %,d in %s; %,d only in %s,"
                                + " %,d only in %s, %,d differ%n", compare.leftRows(), SampleTable.TABLE,
                        compare.rightRows(), SampleTable.CONTROL, compare.onlyLeft(), SampleTable.TABLE,
                        compare.onlyRight(), SampleTable.CONTROL, compare.different());
                compare.examples().forEach(e -> out.println("                    e.g. " + e));
            }
        } else {
            out.println("  verification      not run" + (verifyError == null ? "" : ": " + verifyError));
        }
        out.println(success() ? "Result: OK" : "Result: FAILED");
        out.flush();
    }

    private String perSecond(long from, long to) {
        List<LatencyStats.Second> seconds = latency.seconds(from, to);
        Phase last = null;
        StringBuilder sb = new StringBuilder();
        for (LatencyStats.Second s : seconds) {
            Phase p = timeline.phaseAt(s.startNanos() + 999_999_999L);
            if (p != last && p != null) {
                sb.append('[').append(label(p)).append("] ");
                last = p;
            }
            sb.append(s.count() == 0 ? "-" : String.format(Locale.ROOT, "%.0f", s.p99())).append(' ');
        }
        return sb.toString().trim();
    }

    private static String wrap(String text, String indent) {
        StringBuilder out = new StringBuilder(indent);
        int col = indent.length();
        for (String word : text.split(" ")) {
            if (col + word.length() > 100 && col > indent.length()) {
                out.append('\n').append(indent);
                col = indent.length();
            }
            out.append(word).append(' ');
            col += word.length() + 1;
        }
        return out.toString().stripTrailing();
    }

    private static void row(PrintWriter out, String label, LatencyStats.Window w) {
        out.printf(Locale.ROOT, "    %-18s %7d %8.1f %8.1f %8.1f%n", label, w.count(), w.p50(), w.p99(), w.max());
    }

    private static String label(Phase p) {
        return p == null ? "start" : p.label();
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }
}
