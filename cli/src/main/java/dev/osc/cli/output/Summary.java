package dev.osc.cli.output;

import dev.osc.engine.MigrationResult;
import dev.osc.engine.plan.Method;

import java.io.PrintWriter;

/** The closing lines of a finished migration. */
public final class Summary {
    private Summary() {
    }

    public static void print(PrintWriter out, MigrationResult r) {
        if (!r.executed()) {
            out.printf("Already applied: %s.%s has the schema this ALTER produces; nothing was changed.%n",
                    r.plan().database(), r.plan().table());
            out.flush();
            return;
        }
        if (r.method() == Method.INSTANT) {
            out.printf("Done: %s.%s has the new schema, changed instantly in %d ms (ALGORITHM=INSTANT, no copy).%n",
                    r.plan().database(), r.plan().table(), r.lockMillis());
            out.flush();
            return;
        }
        out.printf("Done: %s.%s has the new schema.%n", r.plan().source().database(), r.plan().source().name());
        out.printf("  rows copied       %,d in %.1f s (%d worker%s, %s reads)%n", r.rowsCopied(), r.copyTime().toMillis() / 1000.0,
                r.copyThreads(), r.copyThreads() == 1 ? "" : "s", r.reads() == null ? "no"
                        : r.reads().name().toLowerCase(java.util.Locale.ROOT));
        out.printf("  changes applied   %,d%n", r.changesApplied());
        out.printf("  checksum          %,d rows equal (%d round%s, %d range%s repaired)%n", r.rowsChecked(),
                r.checksumRounds(), r.checksumRounds() == 1 ? "" : "s", r.rangesRepaired(), r.rangesRepaired() == 1 ? "" : "s");
        out.printf("  cut-over          writes held %d ms (attempt %d)%n", r.lockMillis(), r.cutOverAttempts());
        out.printf("  total             %.1f s%n", r.total().toMillis() / 1000.0);
        out.printf("  old table kept as %s%n", r.plan().names().old());
        out.flush();
    }
}
