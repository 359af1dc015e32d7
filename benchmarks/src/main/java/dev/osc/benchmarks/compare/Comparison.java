package dev.osc.benchmarks.compare;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * Runs every contender on a fresh copy of the template, idle and then under the write load, and
 * checks each result table. A contender that fails is recorded with its error and the run goes on.
 */
final class Comparison {
    /** The load's first seconds (connections, JIT, sysbench's threads) are not part of the baseline. */
    static final long WARM_UP_MILLIS = 2_000;
    static final long BASELINE_MILLIS = 3_000;
    static final long AFTER_MILLIS = 3_000;

    private final Contender.Target target;
    private final SbTables tables;
    private final TableCheck check;
    /** A load writing its log, if any, into the given run directory. */
    private final Function<Path, Load> loads;
    private final List<Contender> contenders;
    private final PrintWriter out;

    Comparison(Contender.Target target, SbTables tables, TableCheck check, Function<Path, Load> loads, List<Contender> contenders,
               PrintWriter out) {
        this.target = target;
        this.tables = tables;
        this.check = check;
        this.loads = loads;
        this.contenders = contenders;
        this.out = out;
    }

    List<Outcome> run(TableCheck.Checksum template) throws InterruptedException {
        List<Outcome> outcomes = new ArrayList<>();
        for (boolean underLoad : new boolean[] {false, true}) {
            for (Contender c : contenders) {
                Optional<String> unavailable = c.unavailable();
                Outcome o = unavailable.isPresent() ? Outcome.notRun(c, underLoad, unavailable.get())
                        : runOne(c, underLoad, template);
                outcomes.add(o);
                out.printf(Locale.ROOT, "  %-28s %-6s %s%n", c.title(), underLoad ? "writes" : "idle", summary(o));
                out.flush();
            }
        }
        return outcomes;
    }

    private Outcome runOne(Contender contender, boolean underLoad, TableCheck.Checksum template) throws InterruptedException {
        Contender.Target runTarget;
        try {
            runTarget = target.forRun(contender.key() + (underLoad ? "-writes" : "-idle"));
            tables.freshCopy();
        } catch (IOException | SQLException e) {
            return Outcome.notRun(contender, underLoad, "could not prepare the run: " + e.getMessage());
        }
        Load load = null;
        long baselineFrom = 0;
        if (underLoad) {
            load = loads.apply(runTarget.workDir());
            try {
                load.start();
            } catch (Exception e) {
                stopQuietly(load);
                cleanUp();
                return Outcome.notRun(contender, true, "the load did not start: " + e.getMessage());
            }
            baselineFrom = System.nanoTime() + WARM_UP_MILLIS * 1_000_000;
            Thread.sleep(WARM_UP_MILLIS + BASELINE_MILLIS);
        }
        String error = null;
        Optional<Contender.Heap> heap = Optional.empty();
        long start = System.nanoTime();
        try {
            heap = contender.migrate(runTarget);
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            error = e.getMessage() == null ? e.toString() : e.getMessage();
        }
        long end = System.nanoTime();
        LoadSummary summary = null;
        if (load != null) {
            Thread.sleep(AFTER_MILLIS);
            stopQuietly(load);
            summary = load.summarise(baselineFrom, start, end);
        }
        String verdict;
        try {
            verdict = check.verify(template, underLoad);
        } catch (SQLException e) {
            verdict = "FAILED: " + e.getMessage();
        }
        cleanUp();
        return new Outcome(contender, underLoad, (end - start) / 1e9, heap, summary, verdict, error);
    }

    private void cleanUp() {
        try {
            tables.dropCopy();
        } catch (SQLException e) {
            out.println("  (could not drop the copy: " + e.getMessage() + ")");
        }
    }

    private void stopQuietly(Load load) {
        try {
            load.stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            out.println("  (could not stop the load: " + e.getMessage() + ")");
        }
    }

    private static String summary(Outcome o) {
        if (o.wallSeconds() == null) {
            return o.error();
        }
        String s = String.format(Locale.ROOT, "%.2f s", o.wallSeconds());
        if (o.error() != null) {
            s += ", failed: " + o.error();
        }
        if (o.load() != null) {
            s += String.format(Locale.ROOT, ", load p99 avg %.1f ms, worst %.1f ms, %d errors", o.load().p99Average(),
                    o.load().p99Worst(), o.load().errors());
        }
        return s + "; " + o.check();
    }
}
