package dev.osc.benchmarks.compare;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** docs/benchmarks.md: how to run the comparison, what it ran on, and one table row per contender and mode. */
final class MarkdownReport {
    static final String BUILD = "./mvnw -q -B -o -pl benchmarks -am package -DskipTests";
    static final String USAGE = "java -jar benchmarks/target/benchmarks.jar compare [--rows N] [--rate TX_PER_SEC]"
            + " [--out docs/benchmarks.md] [--only osc,pt-osc,alter] [--load sysbench|builtin] [--osc-arg=...]"
            + " [--server-option=...]";
    /** Below this many rows a run checks the harness; it does not give figures to quote. */
    static final long RECORD_ROWS = 1_000_000;
    private static final int ERROR_CHARS = 300;

    private MarkdownReport() {
    }

    /**
     * @param setup label and value pairs (command, machine, versions, ...), in order
     * @param commands each contender's command line
     */
    static String render(long rows, Map<String, String> setup, Map<String, String> commands, List<Outcome> outcomes) {
        StringBuilder md = new StringBuilder();
        md.append("# osc against ALTER TABLE and pt-online-schema-change\n\n");
        md.append("Build, then run (from the repository's root):\n\n");
        md.append("    ").append(BUILD).append('\n');
        md.append("    ").append(USAGE).append("\n\n");
        md.append("""
                The command starts a throwaway MariaDB sandbox in a temporary directory, builds a sysbench table
                `sbtest1` (`--rows`, default 1,000,000; with `sysbench oltp_write_only prepare` when sysbench is
                installed, else with a built-in loader of the same shape) and makes the same change with each
                contender, each time on a fresh copy of that table: once idle, and once under a write load of
                `--rate` transactions per second (default 500) from 4 threads that runs from 5 s before the
                migration until 3 s after it (sysbench `oltp_write_only --db-ps-mode=disable` when installed,
                else a built-in load with the same transaction). It checks each result table against the
                template, writes this file (`--out`), prints it, and stops the server and every process it
                started, also on failure or Ctrl-C. `--only` picks contenders; one that is not installed is
                reported as such (`apt-get install -y percona-toolkit sysbench`). osc runs as `./osc` starts
                it (nice 10, the JVM's C1 compiler only, the serial GC) with its defaults; `--osc-arg` adds
                options to its command line. The sandbox runs with a 1 GB buffer pool and redo log, as a
                production server would (the sandbox's own 16 MB redo log makes InnoDB flush pages
                synchronously while a table is copied, which stalls every writer); `--server-option` adds
                or overrides `mariadbd` options.

                """);
        md.append("## Results\n\n");
        if (rows < RECORD_ROWS) {
            md.append(String.format(Locale.ROOT, "**Small-scale run (%,d rows): it checks the harness, and its figures are"
                    + " not the ones to quote.** The figures of record come from a %,d-row run, the default:"
                    + " `java -jar benchmarks/target/benchmarks.jar compare`.%n%n", rows, RECORD_ROWS));
        }
        md.append("| | |\n|---|---|\n");
        setup.forEach((k, v) -> md.append("| ").append(k).append(" | ").append(cell(v)).append(" |\n"));
        md.append('\n');
        md.append("| contender | load | migration | vs osc | load p99 before | load p99 during (avg of seconds)"
                + " | load p99, worst second | load errors | sysbench queue | osc peak heap | result table |\n");
        md.append("|---|---|---:|---:|---:|---:|---:|---:|---|---:|---|\n");
        for (Outcome o : outcomes) {
            md.append(row(o, oscWall(outcomes, o.underLoad()))).append('\n');
        }
        md.append("\nCommands (PORT is the sandbox's):\n\n");
        commands.forEach((k, v) -> md.append("- ").append(k).append(": ").append(code(v)).append('\n'));
        md.append("""

                How to read it:
                - **migration**: wall time of the change, from starting the contender to its end (for osc and
                  pt-online-schema-change, their process, JVM or Perl start-up included).
                - **vs osc**: the contender's migration time divided by osc's in the same mode.
                - **load p99**: per second, the 99th percentile of the transactions' latency; *before* averages the
                  3 s before the migration, *during* the seconds of the migration, *worst second* is the highest.
                  The built-in load measures each transaction from the moment its schedule made it due, so time
                  spent queued behind a blocked table counts. sysbench measures from the moment a thread takes a
                  transaction up: transactions waiting for a thread show in *sysbench queue* instead (the longest
                  queue sysbench reported during the migration, sampled once a second; at the given rate, that
                  many transactions are about that many seconds of waiting), and a second in which no
                  transaction finished has no p99 (counted there too).
                - **load errors**: transactions that failed over the whole load run, lock conflicts that were
                  retried included.
                - **osc peak heap**: the most heap osc's JVM had in use (sampled every 50 ms), and the JVM's
                  default maximum on this machine.
                - **result table**: row count and a checksum of `id, k, c, pad` against the template (under load,
                  of the ids, which the load keeps: it deletes and re-inserts the same ids), and the new column
                  with its default on every row.
                """);
        return md.toString();
    }

    /** Inline code; text that holds backticks itself (quoted identifiers) needs a double-backtick span. */
    static String code(String text) {
        return text.contains("`") ? "`` " + text + " ``" : "`" + text + "`";
    }

    private static Double oscWall(List<Outcome> outcomes, boolean underLoad) {
        return outcomes.stream().filter(o -> o.underLoad() == underLoad && o.contender().key().equals("osc")
                && o.error() == null && o.wallSeconds() != null).map(Outcome::wallSeconds).findFirst().orElse(null);
    }

    private static String row(Outcome o, Double oscWall) {
        LoadSummary l = o.load();
        boolean ran = o.wallSeconds() != null && o.error() == null;
        String wall = o.wallSeconds() == null ? "—" : seconds(o.wallSeconds());
        String ratio = ran && oscWall != null ? String.format(Locale.ROOT, "%.2f×", o.wallSeconds() / oscWall) : "—";
        String heap = o.heap().map(h -> String.format(Locale.ROOT, "%.0f MB of %.0f MB", mb(h.peakUsedBytes()), mb(h.maxBytes())))
                .orElse("—");
        String result;
        if (o.error() != null && o.wallSeconds() == null) {
            result = o.error();
        } else if (o.error() != null) {
            result = "failed: " + o.error() + (o.check() == null ? "" : "; " + o.check());
        } else {
            result = o.check();
        }
        List<String> cells = new java.util.ArrayList<>(List.of(o.contender().title(), o.underLoad() ? "writes" : "idle",
                wall, ratio));
        if (l == null) {
            cells.addAll(List.of("—", "—", "—", "—", "—"));
        } else {
            cells.addAll(List.of(ms(l.p99Before()), l.seconds() == 0 ? "—" : ms(l.p99Average()),
                    l.seconds() == 0 ? "—" : ms(l.p99Worst()),
                    String.format(Locale.ROOT, "%,d", l.errors()) + (l.errorNote() == null ? "" : " (first: " + l.errorNote() + ")"),
                    l.queueNote() == null ? "—" : l.queueNote()));
        }
        cells.add(heap);
        cells.add(result);
        return "| " + String.join(" | ", cells.stream().map(MarkdownReport::cell).toList()) + " |";
    }

    private static String seconds(double s) {
        return String.format(Locale.ROOT, s < 10 ? "%.2f s" : "%.1f s", s);
    }

    private static String ms(double v) {
        return String.format(Locale.ROOT, v < 10 ? "%.2f ms" : "%,.0f ms", v);
    }

    private static double mb(long bytes) {
        return bytes / 1024.0 / 1024.0;
    }

    /** One table cell: no line breaks, pipes escaped, long errors cut. */
    private static String cell(String text) {
        if (text == null) {
            return "—";
        }
        String t = text.replaceAll("\\s+", " ").strip();
        if (t.length() > ERROR_CHARS) {
            t = t.substring(0, ERROR_CHARS) + " ...";
        }
        return t.replace("|", "\\|");
    }
}
