package dev.osc.cli.state;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.osc.engine.Phase;
import dev.osc.engine.state.MigrationRecord;
import dev.osc.engine.state.Outcome;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Prints recorded migrations: a table and details of the running ones for people, or one JSON
 * document with stable field names and ISO-8601 UTC times for programs.
 *
 * @param serverTime the server's clock, against which revert windows are judged
 */
record StatusReport(String stateSchema, Instant serverTime, List<MigrationRecord> migrations) {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_ERROR_CHARS_IN_TEXT = 300;

    /** {@code osc status --format}. */
    enum Format { text, json }

    void print(PrintWriter out, Format format) {
        if (format == Format.json) {
            printJson(out);
        } else {
            printText(out);
        }
        out.flush();
    }

    private void printJson(PrintWriter out) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("stateSchema", stateSchema);
        doc.put("serverTime", iso(serverTime));
        List<Map<String, Object>> list = new ArrayList<>();
        for (MigrationRecord m : migrations) {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("id", m.id());
            j.put("database", m.database());
            j.put("table", m.table());
            j.put("alter", m.alterText());
            j.put("method", m.method().name().toLowerCase(Locale.ROOT));
            j.put("phase", m.phase().label());
            j.put("outcome", m.outcome().label());
            j.put("stale", m.stale());
            j.put("status", status(m));
            j.put("owner", m.owner());
            j.put("progressPercent", percent(m));
            j.put("rowsCopied", m.rowsCopied());
            j.put("rowsTotal", m.rowsTotal());
            j.put("changesApplied", m.changesApplied());
            j.put("rowsPerSecond", Math.round(m.rowsPerSecond() * 10) / 10.0);
            j.put("etaSeconds", eta(m));
            j.put("binlogLagSeconds", Math.round(m.binlogLagSeconds() * 10) / 10.0);
            j.put("throttleReason", m.throttleReason());
            j.put("startedAt", iso(m.startedAt()));
            j.put("updatedAt", iso(m.updatedAt()));
            j.put("finishedAt", iso(m.finishedAt()));
            j.put("cutoverAt", iso(m.cutoverAt()));
            j.put("revertUntil", iso(m.revertUntil()));
            j.put("revertWindowOpen", m.revertUntil() == null ? null : revertOpen(m));
            j.put("oldTable", m.oldTable());
            j.put("shadowTable", m.shadowTable());
            j.put("error", m.error());
            list.add(j);
        }
        doc.put("migrations", list);
        try {
            out.println(JSON.writeValueAsString(doc));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private void printText(PrintWriter out) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[]{"ID", "TABLE", "PHASE", "OUTCOME", "PROGRESS", "STARTED (UTC)", "CUT-OVER (UTC)",
                "REVERTIBLE UNTIL (UTC)"});
        for (MigrationRecord m : migrations) {
            rows.add(new String[]{String.valueOf(m.id()), m.target(), m.phase().label(), outcomeText(m), progressText(m),
                    text(m.startedAt()), text(m.cutoverAt()),
                    m.revertUntil() == null ? "-" : text(m.revertUntil()) + (revertOpen(m) ? " (open)" : " (closed)")});
        }
        int[] width = new int[rows.get(0).length];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < r.length; i++) {
                line.append(i == r.length - 1 ? r[i] : String.format("%-" + width[i] + "s  ", r[i]));
            }
            out.println(line.toString().stripTrailing());
        }
        for (MigrationRecord m : migrations) {
            if (m.outcome() == Outcome.RUNNING) {
                out.println();
                out.println("migration " + m.id() + " on " + m.target() + ": " + (m.stale() ? outcomeText(m)
                        + "; it most likely died. Run the same osc run command again to finish the migration"
                        : "running, owner " + m.owner() + ", last update " + text(m.updatedAt())));
                out.println("  alter:    " + m.alterText());
                out.println("  phase:    " + m.phase().label() + ", " + progressText(m) + " rows copied, "
                        + m.changesApplied() + " changes applied");
                Long eta = eta(m);
                out.println("  rate:     " + Math.round(m.rowsPerSecond()) + " rows/s"
                        + (eta == null ? "" : ", ETA " + duration(eta)) + ", binlog lag "
                        + Math.round(m.binlogLagSeconds() * 10) / 10.0 + "s");
                if (m.throttleReason() != null && !m.throttleReason().isBlank()) {
                    out.println("  throttled: " + m.throttleReason());
                }
            } else if (m.error() != null && !m.error().isBlank()) {
                out.println();
                out.println("migration " + m.id() + " on " + m.target() + " " + m.outcome().label() + ": " + shortError(m.error()));
            }
        }
    }

    /** running, stale, succeeded, failed or aborted: the outcome with a dead owner told apart. */
    static String status(MigrationRecord m) {
        return m.stale() ? "stale" : m.outcome().label();
    }

    private static String outcomeText(MigrationRecord m) {
        return m.stale() ? "stale: process " + m.owner() + " silent since " + text(m.updatedAt()) : m.outcome().label();
    }

    private static Double percent(MigrationRecord m) {
        if (m.rowsTotal() <= 0) {
            return m.outcome() == Outcome.SUCCEEDED ? 100.0 : null;
        }
        return Math.round(Math.min(100.0, m.rowsCopied() * 100.0 / m.rowsTotal()) * 10) / 10.0;
    }

    private static String progressText(MigrationRecord m) {
        Double p = percent(m);
        return (p == null ? "-" : p + "%") + " " + m.rowsCopied() + "/" + m.rowsTotal();
    }

    /** Seconds left in the copy of a live run at its current rate; null outside the copy or when unknown. */
    static Long eta(MigrationRecord m) {
        if (!m.live() || m.phase() != Phase.COPY || m.rowsPerSecond() <= 0) {
            return null;
        }
        return Math.round(Math.max(0, m.rowsTotal() - m.rowsCopied()) / m.rowsPerSecond());
    }

    private boolean revertOpen(MigrationRecord m) {
        return m.revertUntil() != null && serverTime.isBefore(m.revertUntil());
    }

    private static String shortError(String error) {
        String e = error.strip().replace('\n', ' ');
        return e.length() > MAX_ERROR_CHARS_IN_TEXT ? e.substring(0, MAX_ERROR_CHARS_IN_TEXT) + "... (osc status --format json"
                + " has all of it)" : e;
    }

    private static String iso(Instant at) {
        return at == null ? null : at.toString();
    }

    private static String text(Instant at) {
        return at == null ? "-" : at.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    private static String duration(long seconds) {
        Duration d = Duration.ofSeconds(seconds);
        return d.toHours() > 0 ? d.toHours() + "h" + d.toMinutesPart() + "m"
                : d.toMinutes() > 0 ? d.toMinutes() + "m" + d.toSecondsPart() + "s" : seconds + "s";
    }
}
