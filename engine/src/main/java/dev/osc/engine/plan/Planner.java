package dev.osc.engine.plan;

import dev.osc.engine.MigrationConfig;
import dev.osc.engine.OscException;
import dev.osc.engine.Plan;
import dev.osc.engine.alter.AlterParser;
import dev.osc.engine.alter.AlterSpec;
import dev.osc.engine.alter.ColumnMapping;
import dev.osc.engine.check.CheckContext;
import dev.osc.engine.check.Preflight;
import dev.osc.engine.check.Problem;
import dev.osc.engine.copy.CopyStatements;
import dev.osc.engine.copy.CopyThreads;
import dev.osc.engine.copy.KeyRange;
import dev.osc.engine.copy.ReadMode;
import dev.osc.engine.copy.RowCopier;
import dev.osc.engine.cutover.TableNames;
import dev.osc.engine.db.Queries;
import dev.osc.engine.db.ServerInfo;
import dev.osc.engine.db.Sql;
import dev.osc.engine.inspect.Column;
import dev.osc.engine.inspect.Inspector;
import dev.osc.engine.inspect.TableInfo;
import dev.osc.engine.key.PrimaryKey;
import dev.osc.engine.key.RowKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Works out a {@link Plan}: checks, tries the ALTER on an empty TEMPORARY copy of the table
 * (which nobody else sees), asks the server whether it can apply the change instantly, runs the
 * data-checked findings and measures the copy rate on a sample. It leaves the table and its data
 * as they were; the only trace is an empty {@code <table>_osc_probe} table that exists for the
 * moment the INSTANT question is asked, because the server answers that question truthfully only
 * for a real table.
 */
public final class Planner {
    private static final Logger log = LoggerFactory.getLogger(Planner.class);
    private static final long SAMPLE_MILLIS = 1500;
    /** The first chunks warm caches and code paths; the rate is taken from the ones after. */
    private static final int SAMPLE_WARMUP_CHUNKS = 2;
    private static final int SAMPLE_CHUNK = 2000;
    private static final int SAMPLE_MAX_CHUNKS = 50;
    /**
     * A real copy also writes the binlog, takes locking reads and applies changes, which the sample
     * into a temporary table does not. Measured on a 500k-row table here (docs/planning.md): the
     * real copy ran at 1/1.58 and 1/1.49 of the sampled rate.
     */
    static final double REAL_COPY_FACTOR = 1.55;

    private final MigrationConfig config;
    private final List<FindingCheck> checks;
    private final boolean sampleCopyRate;

    public Planner(MigrationConfig config, List<FindingCheck> checks) {
        this(config, checks, true);
    }

    /**
     * @param sampleCopyRate whether to time a sample copy for the estimate: a dry run shows it, a
     *                       run that is about to copy for real has no use for it (it costs 1-2 s)
     */
    public Planner(MigrationConfig config, List<FindingCheck> checks, boolean sampleCopyRate) {
        this.config = config;
        this.checks = List.copyOf(checks);
        this.sampleCopyRate = sampleCopyRate;
    }

    public Plan plan(Connection c) throws SQLException {
        String db = config.database();
        String tableName = config.table();
        List<Finding> findings = new ArrayList<>();
        AlterSpec spec;
        try {
            spec = AlterParser.parse(config.alter(), db, tableName);
        } catch (OscException e) {
            if (e.kind() != OscException.Kind.BAD_INPUT) {
                throw e;
            }
            findings.add(Finding.blocker("UNSUPPORTED_ALTER", e.getMessage()));
            return blocked(null, null, null, null, findings);
        }
        ServerInfo server = ServerInfo.read(c);
        Inspector inspector = new Inspector(c);
        Optional<TableInfo> table = inspector.table(db, tableName);
        TableNames names;
        try {
            names = TableNames.of(table.map(TableInfo::name).orElse(tableName), LocalDateTime.now());
        } catch (OscException e) {
            findings.add(Finding.blocker("UNSUPPORTED_ALTER", e.getMessage()));
            return blocked(null, spec, null, null, findings);
        }
        for (Problem p : Preflight.standard().inputProblems(new CheckContext(c, server, inspector, db, tableName, table, names))) {
            findings.add(Finding.blocker(p.code(), p.message()));
        }
        if (table.isEmpty()) {
            return blocked(names, spec, null, null, findings);
        }
        TableInfo source = table.get();
        String src = Sql.quote(db, source.name());
        String tmp = Sql.quote(db, names.shadow());
        Queries.exec(c, "CREATE TEMPORARY TABLE " + tmp + " LIKE " + src);
        try {
            try {
                Queries.exec(c, "ALTER TABLE " + tmp + " " + spec.clauses());
            } catch (SQLException e) {
                Queries.exec(c, "DROP TEMPORARY TABLE IF EXISTS " + tmp);
                if (!spec.effectBeyondDefinition() && new AlreadyApplied(c, source, spec, names).check()) {
                    return alreadyApplied(names, spec, source, findings);
                }
                findings.add(Finding.blocker("ALTER_REJECTED", "the server refuses the ALTER: " + e.getMessage()
                        + " (error " + e.getErrorCode() + "). Fix --alter"));
                return blocked(names, spec, source, null, findings);
            }
            if (!spec.effectBeyondDefinition() && AlreadyApplied.sameSchema(c, tmp, src)) {
                return alreadyApplied(names, spec, source, findings);
            }
            TableInfo target = inspector.temporaryTable(db, names.shadow());
            ColumnMapping mapping;
            try {
                mapping = ColumnMapping.build(source, target, spec);
            } catch (OscException e) {
                findings.add(Finding.blocker("UNSUPPORTED_ALTER", e.getMessage()));
                return blocked(names, spec, source, null, findings);
            }
            for (var added : mapping.added()) {
                if (!added.nullable() && added.defaultValue() == null && !added.generated() && !added.autoIncrement()) {
                    // a strict copy cannot fill it, where a plain ALTER silently puts 0 or ''
                    findings.add(Finding.blocker("NOT_NULL_WITHOUT_DEFAULT", "added column " + added.name()
                            + " is NOT NULL without a DEFAULT, so existing rows have no value for it: give it a DEFAULT"
                            + " (e.g. DEFAULT 0) or make it NULL"));
                }
            }
            timestampKeyTimeZone(c, source, mapping).ifPresent(findings::add);
            boolean keyUsable = findings.stream().noneMatch(f -> f.code().equals("NO_PRIMARY_KEY"));
            if (keyUsable) {
                FindingContext ctx = new FindingContext(c, source, target, tmp, spec, mapping);
                for (FindingCheck check : checks) {
                    long t0 = System.nanoTime();
                    findings.addAll(check.check(ctx));
                    log.debug("{} took {} ms", check.getClass().getSimpleName(), (System.nanoTime() - t0) / 1_000_000);
                }
            }
            if (findings.stream().anyMatch(f -> f.severity() == Severity.BLOCKER)) {
                return new Plan(db, tableName, names, source, spec, mapping, Method.BLOCKED,
                        "a blocker stops the change (see findings)", estimates(source, null), findings, List.of());
            }
            String instantRefusal = config.allowInstant() ? instantRefusal(c, source, names, spec) : "INSTANT not allowed (--method copy)";
            if (instantRefusal == null) {
                findings.add(new Finding("INSTANT", Severity.INFO, "the server applies this change instantly"
                        + " (ALGORITHM=INSTANT, confirmed on an empty copy): no copy is needed", -1, List.of()));
                return new Plan(db, tableName, names, source, spec, mapping, Method.INSTANT,
                        "the server confirmed ALGORITHM=INSTANT for this exact change on an empty copy of the table",
                        estimates(source, null), findings, List.of("ALTER TABLE " + src + " " + spec.clauses() + ", ALGORITHM=INSTANT"));
            }
            Estimates estimates = estimates(source, sampleCopyRate ? sample(c, source, names, mapping) : null);
            boolean replace = mapping.uniqueKeysEnforcedBySource(inspector.uniqueKeys(src), inspector.uniqueKeys(tmp));
            ReadMode.Choice reads = ReadMode.choose(c, server, config.lockingReads(),
                    replace && inspector.uniqueKeys(tmp).size() > 1);
            findings.add(reads.mode() == ReadMode.CONSISTENT
                    ? new Finding("PLAIN_READS", Severity.INFO, "the copy and the applier read the table without row locks"
                            + " (the server reports when a change in the binary log is visible: Binlog_snapshot_position),"
                            + " so the application's writes never wait for osc", -1, List.of())
                    : new Finding("LOCKING_READS", Severity.INFO, "the copy reads the table with LOCK IN SHARE MODE ("
                            + reads.why() + "): a write to a row in the chunk being copied waits for it, up to --chunk-time",
                            -1, List.of()));
            findings.add(copyWorkers(c, server, target, replace));
            return new Plan(db, tableName, names, source, spec, mapping, Method.COPY,
                    "not instant (" + instantRefusal + "): shadow-table copy following the binary log, checksum, atomic swap",
                    estimates, findings, copyStatements(src, names, spec, reads.mode()));
        } finally {
            Queries.exec(c, "DROP TEMPORARY TABLE IF EXISTS " + tmp);
        }
    }

    private Plan blocked(TableNames names, AlterSpec spec, TableInfo source, ColumnMapping mapping, List<Finding> findings) {
        return new Plan(config.database(), config.table(), names, source, spec, mapping, Method.BLOCKED,
                "a blocker stops the change (see findings)", source == null ? null : estimates(source, null),
                findings, List.of());
    }

    private Plan alreadyApplied(TableNames names, AlterSpec spec, TableInfo source, List<Finding> findings) {
        // nothing will run, so what would have blocked running (osc's names taken, a trigger) does not matter
        findings.removeIf(f -> f.severity() == Severity.BLOCKER);
        findings.add(new Finding("ALREADY_APPLIED", Severity.INFO, "the table already has the schema this ALTER"
                + " produces; there is nothing to do", -1, List.of()));
        return new Plan(config.database(), config.table(), names, source, spec, null, Method.ALREADY_APPLIED,
                "the table already has the resulting schema", estimates(source, null), findings, List.of());
    }

    /**
     * A table keyed by a TIMESTAMP column is copied in UTC sessions, so that key ranges follow
     * instants; a conversion between TIMESTAMP and another type, or a CURRENT_TIMESTAMP default
     * of an added column, would then come out in UTC instead of the server's time zone.
     */
    private static Optional<Finding> timestampKeyTimeZone(Connection c, TableInfo source, ColumnMapping mapping)
            throws SQLException {
        boolean timestampKey = source.primaryKeyColumns().stream().anyMatch(k -> k.dataType().equals("timestamp"));
        if (!timestampKey || Queries.number(c, "SELECT TIMESTAMPDIFF(SECOND, UTC_TIMESTAMP(), NOW())") == 0) {
            return Optional.empty();
        }
        List<String> affected = new ArrayList<>();
        mapping.copied().stream()
                .filter(p -> p.source().dataType().equals("timestamp") != p.target().dataType().equals("timestamp"))
                .forEach(p -> affected.add(p.source().name()));
        mapping.added().stream()
                .filter(a -> a.defaultValue() != null && a.defaultValue().toLowerCase(Locale.ROOT).matches(".*(current_timestamp|now\\().*"))
                .forEach(a -> affected.add(a.name()));
        if (affected.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(Finding.blocker("TIMESTAMP_KEY_TIME_ZONE", "the table is keyed by a TIMESTAMP column, which osc"
                + " copies in UTC, and the server's time zone is not UTC: " + String.join(", ", affected)
                + " would get times shifted from what a plain ALTER gives. Change those columns in a separate plain"
                + " ALTER, or run osc when the server's time_zone is UTC"));
    }

    /** Null when the server accepts ALGORITHM=INSTANT for the change on an empty real copy; else its reason. */
    private String instantRefusal(Connection c, TableInfo source, TableNames names, AlterSpec spec) throws SQLException {
        String probe = Sql.quote(config.database(), names.probe());
        if (new Inspector(c).tableExists(config.database(), names.probe())) {
            return "a table named " + names.probe() + " exists, so osc could not ask the server";
        }
        try {
            Queries.exec(c, "CREATE TABLE " + probe + " LIKE " + Sql.quote(config.database(), source.name()));
            Queries.exec(c, "ALTER TABLE " + probe + " " + spec.clauses() + ", ALGORITHM=INSTANT");
            return null;
        } catch (SQLException e) {
            return firstSentence(e.getMessage());
        } finally {
            Queries.exec(c, "DROP TABLE IF EXISTS " + probe);
        }
    }

    private static String firstSentence(String message) {
        String m = message == null ? "" : message.strip();
        return m.length() > 160 ? m.substring(0, 157) + "..." : m;
    }

    /** How many workers the copy starts with, and why (COPY_WORKERS). */
    private Finding copyWorkers(Connection c, ServerInfo server, TableInfo target, boolean onlyExistingUniqueKeys)
            throws SQLException {
        String message;
        if (!onlyExistingUniqueKeys) {
            message = "1 copy worker: the change adds a unique key the table does not enforce, and with several a row could"
                    + " meet the stale copy of another whose change waits for a range still being copied";
        } else if (config.threads() == MigrationConfig.AUTO_THREADS) {
            CopyThreads chosen = CopyThreads.choose(c, server, target.columns().stream().anyMatch(Column::autoIncrement));
            message = chosen.count() + (chosen.count() == 1 ? " copy worker: " : " copy workers: ") + chosen.why();
        } else {
            message = config.threads() + (config.threads() == 1 ? " copy worker" : " copy workers") + " (--threads)";
        }
        return new Finding("COPY_WORKERS", Severity.INFO, message, -1, List.of());
    }

    private static List<String> copyStatements(String src, TableNames names, AlterSpec spec, ReadMode reads) {
        String db = src.substring(0, src.indexOf('.'));
        String shadow = db + "." + Sql.quote(names.shadow());
        String old = db + "." + Sql.quote(names.old());
        return List.of(
                "CREATE TABLE " + shadow + " LIKE " + src,
                "ALTER TABLE " + shadow + " " + spec.clauses(),
                "-- follow the binary log for changes to " + src,
                "INSERT INTO " + shadow + " (...) SELECT ... FROM " + src + " WHERE <key range>" + reads.clause() + "  -- per chunk",
                "-- checksum both tables chunk by chunk; repair and re-check differences",
                "LOCK TABLES " + src + " WRITE, " + old + " WRITE, " + shadow + " WRITE  -- session A",
                "RENAME TABLE " + src + " TO " + old + ", " + shadow + " TO " + src + "  -- session B");
    }

    private Estimates estimates(TableInfo source, long[] sample) {
        long rows = source.rowsEstimate();
        long extra = source.dataBytes() + source.indexBytes() + source.dataBytes();
        if (sample == null || sample[0] == 0 || sample[1] <= 0) {
            return new Estimates(rows, source.dataBytes(), source.indexBytes(), extra, 0, 0, 0, -1);
        }
        double rate = sample[0] * 1000.0 / sample[1];
        return new Estimates(rows, source.dataBytes(), source.indexBytes(), extra, sample[0], sample[1], rate,
                rows / rate * REAL_COPY_FACTOR);
    }

    /**
     * Copies up to a second's worth of rows, in chunks like the real copy, into the empty temporary
     * copy (plain reads: a plan takes no row locks), then empties it. Returns {rows, millis}, or
     * null when the sample could not be taken (e.g. a value the new schema rejects).
     */
    private long[] sample(Connection c, TableInfo source, TableNames names, ColumnMapping mapping) {
        PrimaryKey key = PrimaryKey.of(mapping);
        String src = Sql.quote(config.database(), source.name());
        String tmp = Sql.quote(config.database(), names.shadow());
        RowCopier boundaries = new RowCopier(new CopyStatements(config.database(), source.name(), names.shadow(), mapping, key));
        long rows = 0;
        long start = System.nanoTime();
        long measuredFrom = start;
        try {
            RowKey lower = null;
            for (int chunk = 0; chunk < SAMPLE_MAX_CHUNKS && (System.nanoTime() - start) / 1_000_000 < SAMPLE_MILLIS; chunk++) {
                if (chunk == SAMPLE_WARMUP_CHUNKS) {
                    rows = 0;
                    measuredFrom = System.nanoTime();
                }
                RowKey upper = boundaries.boundaryAfter(c, lower, SAMPLE_CHUNK);
                KeyRange range = new KeyRange(lower, upper);
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + tmp + " (" + mapping.targetColumnList()
                        + ") SELECT " + mapping.sourceColumnList() + " FROM " + src + " FORCE INDEX (PRIMARY) WHERE "
                        + range.where(key, false))) {
                    range.bind(key, false, ps, 1);
                    rows += ps.executeUpdate();
                }
                if (upper == null) {
                    break;
                }
                lower = upper;
            }
            long millis = (System.nanoTime() - measuredFrom) / 1_000_000;
            Queries.exec(c, "DELETE FROM " + tmp);
            return new long[] {rows, Math.max(1, millis)};
        } catch (SQLException e) {
            log.debug("copy-rate sample failed", e);
            return null;
        }
    }
}
