package dev.osc.engine.cleanup;

import dev.osc.engine.Durations;
import dev.osc.engine.Migration;
import dev.osc.engine.OscException;
import dev.osc.engine.cutover.CutOver;
import dev.osc.engine.cutover.TableNames;
import dev.osc.engine.db.NamedLocks;
import dev.osc.engine.state.MigrationRecord;
import dev.osc.engine.state.Outcome;
import dev.osc.engine.state.StateStore;
import dev.osc.engine.state.StateStoreException;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the tables osc leaves next to migrated ones ({@link TableNames}) and decides which of them
 * can go: shadow tables of runs that are no longer alive, old tables whose revert window has
 * ended, cut-over sentries and probe tables left by interrupted runs. Reads only.
 *
 * <p>A table is attributed to its migrated table through the state rows that named it, else by
 * deriving osc's names from the tables next to it (which also matches names shortened with a hash).
 * Tables of a migrated table whose lock a session holds are always kept: a run, a revert or
 * another cleanup is at work there.
 */
public final class LeftoverFinder {
    /** The revert window osc run gives by default; assumed for an old table no state row covers. */
    public static final Duration DEFAULT_REVERT_WINDOW = Duration.ofMinutes(30);
    /**
     * A probe table lives for the moments a plan asks the server about it, and plans take no lock:
     * one younger than this may belong to a plan running now.
     */
    public static final Duration PROBE_MIN_AGE = Duration.ofMinutes(10);

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss");
    private static final Pattern OLD_SUFFIX = Pattern.compile("_osc_old_(\\d{8}_\\d{6})$");
    private static final String SHADOW_SUFFIX = "_osc_new";
    private static final String PROBE_SUFFIX = "_osc_probe";
    private static final Set<String> SYSTEM = Set.of("mysql", "information_schema", "performance_schema", "sys");
    /** MySQL's identifier limit; only a name this long can have been shortened with a hash. */
    private static final int MAX_NAME = 64;

    private final Connection connection;
    private final StateStore store;
    private final ZoneId nameZone;
    private final Duration probeMinAge;

    /**
     * @param nameZone    the time zone of the timestamps in old tables' names: osc run writes its
     *                    host's local time there
     * @param probeMinAge see {@link #PROBE_MIN_AGE}
     */
    public LeftoverFinder(Connection connection, StateStore store, ZoneId nameZone, Duration probeMinAge) {
        this.connection = connection;
        this.store = store;
        this.nameZone = nameZone;
        this.probeMinAge = probeMinAge;
    }

    public LeftoverFinder(Connection connection, StateStore store) {
        this(connection, store, ZoneId.systemDefault(), PROBE_MIN_AGE);
    }

    /** A base table as information_schema lists it. */
    private record Table(String database, String name, String comment, long ageSeconds) {
    }

    /** Which migrated table a leftover belongs to, and as what. */
    private record Attribution(Leftover.Kind kind, String source) {
    }

    /**
     * The leftovers of one database (every database but the system ones and the state schema,
     * when null), of one migrated table when {@code table} is not null, in name order.
     *
     * @param force also drop old tables inside their revert window (never a live run's shadow table)
     */
    public List<Leftover> find(String database, String table, boolean force) throws SQLException, StateStoreException {
        Instant now = store.serverTime();
        Map<String, Map<String, Table>> byDatabase = tables(database);
        Map<String, List<MigrationRecord>> rows = new HashMap<>();
        Set<String> oscNamed = new TreeSet<>();
        byDatabase.values().forEach(ts -> ts.keySet().stream().filter(LeftoverFinder::looksLikeOsc).forEach(oscNamed::add));
        for (MigrationRecord r : store.naming(database, oscNamed)) {
            rows.computeIfAbsent(r.database(), k -> new ArrayList<>()).add(r);
        }
        List<Leftover> out = new ArrayList<>();
        for (Map.Entry<String, Map<String, Table>> db : byDatabase.entrySet()) {
            List<MigrationRecord> dbRows = rows.getOrDefault(db.getKey(), List.of());
            for (Table t : db.getValue().values()) {
                if (!looksLikeOsc(t.name())) {
                    continue;
                }
                Optional<Attribution> a = attribute(t, db.getValue().keySet(), dbRows);
                if (a.isEmpty()) {
                    if (table == null) {
                        out.add(new Leftover(t.database(), t.name(), kindByName(t.name()), null, null, false,
                                "named like an osc table, but no migration in the state schema named it and no table it"
                                        + " would belong to exists; osc does not drop a table it cannot attribute"));
                    }
                    continue;
                }
                if (table != null && !table.equals(a.get().source())) {
                    continue;
                }
                out.add(decide(t, a.get(), dbRows, now, force));
            }
        }
        out.sort(Comparator.comparing(Leftover::database).thenComparing(Leftover::table));
        return out;
    }

    private static boolean looksLikeOsc(String name) {
        return name.endsWith(SHADOW_SUFFIX) || name.endsWith(PROBE_SUFFIX) || OLD_SUFFIX.matcher(name).find();
    }

    private static Leftover.Kind kindByName(String name) {
        return name.endsWith(SHADOW_SUFFIX) ? Leftover.Kind.SHADOW : name.endsWith(PROBE_SUFFIX) ? Leftover.Kind.PROBE
                : Leftover.Kind.OLD;
    }

    private Optional<Attribution> attribute(Table t, Set<String> tablesHere, List<MigrationRecord> rows) {
        for (MigrationRecord r : rows) {
            if (t.name().equals(r.shadowTable())) {
                return Optional.of(new Attribution(Leftover.Kind.SHADOW, r.table()));
            }
            if (t.name().equals(r.oldTable())) {
                return Optional.of(new Attribution(oldOrSentry(t), r.table()));
            }
        }
        Matcher old = OLD_SUFFIX.matcher(t.name());
        LocalDateTime stamp = old.find() ? parseStamp(old.group(1)) : LocalDateTime.now();
        if (stamp == null) {
            return Optional.empty();
        }
        // the plain prefix first; a name at the limit may be a shortened one of any table next to it
        List<String> candidates = new ArrayList<>();
        String prefix = prefix(t.name());
        if (prefix != null && tablesHere.contains(prefix)) {
            candidates.add(prefix);
        }
        if (t.name().length() == MAX_NAME) {
            tablesHere.stream().filter(s -> !looksLikeOsc(s)).forEach(candidates::add);
        }
        for (String source : candidates) {
            TableNames names;
            try {
                names = TableNames.of(source, stamp);
            } catch (OscException e) {
                continue;
            }
            if (t.name().equals(names.shadow())) {
                return Optional.of(new Attribution(Leftover.Kind.SHADOW, source));
            }
            if (t.name().equals(names.probe())) {
                return Optional.of(new Attribution(Leftover.Kind.PROBE, source));
            }
            if (t.name().equals(names.old())) {
                return Optional.of(new Attribution(oldOrSentry(t), source));
            }
        }
        return Optional.empty();
    }

    private static Leftover.Kind oldOrSentry(Table t) {
        return CutOver.SENTRY_COMMENT.equals(t.comment()) ? Leftover.Kind.SENTRY : Leftover.Kind.OLD;
    }

    private static String prefix(String name) {
        if (name.endsWith(SHADOW_SUFFIX)) {
            return name.substring(0, name.length() - SHADOW_SUFFIX.length());
        }
        if (name.endsWith(PROBE_SUFFIX)) {
            return name.substring(0, name.length() - PROBE_SUFFIX.length());
        }
        Matcher m = OLD_SUFFIX.matcher(name);
        return m.find() ? name.substring(0, m.start()) : null;
    }

    private static LocalDateTime parseStamp(String stamp) {
        try {
            return LocalDateTime.parse(stamp, STAMP);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private Leftover decide(Table t, Attribution a, List<MigrationRecord> rows, Instant now, boolean force)
            throws SQLException, StateStoreException {
        // the newest row that named this very table; for a shadow table (every run of a table names the
        // same one) the newest run that did not succeed, since a successful run renamed its shadow away
        List<MigrationRecord> naming = rows.stream().filter(r -> r.table().equals(a.source())
                && (t.name().equals(r.shadowTable()) || t.name().equals(r.oldTable()))).toList();
        MigrationRecord row = naming.stream().filter(r -> a.kind() != Leftover.Kind.SHADOW || r.outcome() != Outcome.SUCCEEDED)
                .findFirst().orElse(naming.isEmpty() ? null : naming.get(0));
        Leftover base = new Leftover(t.database(), t.name(), a.kind(), a.source(), row == null ? null : row.id(), true, "");
        String target = t.database() + "." + a.source();
        OptionalLong holder = NamedLocks.holder(connection, Migration.lockName(t.database(), a.source()));
        if (holder.isPresent()) {
            return base.keep("session " + holder.getAsLong() + " holds the migration lock of " + target
                    + " (an osc run, revert or cleanup is at work there); run cleanup again when it has ended");
        }
        Optional<MigrationRecord> live = store.running(t.database(), a.source());
        return switch (a.kind()) {
            case SHADOW -> live.isPresent()
                    ? base.keep("shadow table of migration " + live.get().id() + ", which is running (owner "
                            + live.get().owner() + ", phase " + live.get().phase().label() + "); never dropped, not even with --force")
                    : drop(base, "shadow table of " + (row == null ? "a run the state schema has no record of"
                            : "migration " + row.id() + ", which " + ended(row)) + "; no osc run holds the lock of " + target
                            + (row != null && row.stale() ? ". Dropping it means re-running that migration copies"
                            + " from the start instead of resuming" : ""));
            case SENTRY -> drop(base, "empty sentry of an interrupted cut-over on " + target
                    + "; no osc run holds the table's lock");
            case PROBE -> t.ageSeconds() < probeMinAge.toSeconds()
                    ? base.keep("created " + t.ageSeconds() + "s ago: an osc plan may be using it (probe tables are"
                            + " dropped once older than " + Durations.format(probeMinAge) + ")")
                    : drop(base, "probe table left by an interrupted osc plan, created " + age(t.ageSeconds()) + " ago");
            case OLD -> old(base, t, row, now, force);
        };
    }

    private static Leftover drop(Leftover base, String why) {
        return new Leftover(base.database(), base.table(), base.kind(), base.source(), base.migrationId(), true, why);
    }

    private Leftover old(Leftover base, Table t, MigrationRecord row, Instant now, boolean force) {
        if (row != null && row.live()) {
            return base.keep("old table of migration " + row.id() + ", which is still running (owner " + row.owner() + ")");
        }
        Instant until;
        String basis;
        if (row != null && row.revertUntil() != null) {
            until = row.revertUntil();
            basis = "revert_until of its state row";
        } else if (row != null && row.cutoverAt() != null) {
            until = row.cutoverAt().plus(DEFAULT_REVERT_WINDOW);
            basis = "migration " + row.id() + " cut over at " + utc(row.cutoverAt()) + ", plus the default revert window "
                    + Durations.format(DEFAULT_REVERT_WINDOW);
        } else {
            Matcher m = OLD_SUFFIX.matcher(t.name());
            LocalDateTime stamp = m.find() ? parseStamp(m.group(1)) : null;
            if (stamp == null) {
                return base.keep("old table whose name has no readable timestamp; drop it by hand when it is no longer needed");
            }
            until = stamp.atZone(nameZone).toInstant().plus(DEFAULT_REVERT_WINDOW);
            basis = "no state row records its revert window: the time in its name (" + nameZone + ") plus "
                    + Durations.format(DEFAULT_REVERT_WINDOW);
        }
        String of = row == null ? "old table" : "old table of migration " + row.id();
        if (now.isBefore(until)) {
            String open = "revert window open until " + utc(until) + " (" + age(Duration.between(now, until).toSeconds())
                    + " left; " + basis + ")";
            return force ? drop(base, of + ", " + open + "; dropped because of --force")
                    : base.keep(of + ", " + open + "; --force drops it anyway");
        }
        return drop(base, of + ", revert window ended at " + utc(until) + " (" + basis + ")");
    }

    private static String ended(MigrationRecord r) {
        if (r.outcome() == Outcome.RUNNING) {
            return "did not finish: its process " + r.owner() + " has been silent since " + utc(r.updatedAt());
        }
        return (r.outcome() == Outcome.ABORTED ? "was aborted" : r.outcome().label()) + " at " + utc(r.finishedAt());
    }

    private static String utc(Instant at) {
        return at == null ? "?" : at.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    private static String age(long seconds) {
        if (seconds < 120) {
            return seconds + "s";
        }
        if (seconds < 2 * 3600) {
            return seconds / 60 + "m";
        }
        return seconds / 3600 + "h" + (seconds % 3600) / 60 + "m";
    }

    /** Base tables by database, each in name order. */
    private Map<String, Map<String, Table>> tables(String database) throws SQLException {
        String sql = "SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_COMMENT,"
                + " COALESCE(TIMESTAMPDIFF(SECOND, CREATE_TIME, NOW()), 0) FROM information_schema.TABLES"
                + " WHERE TABLE_TYPE = 'BASE TABLE' AND "
                + (database != null ? "TABLE_SCHEMA = ?" : "TABLE_SCHEMA NOT IN (?, ?, ?, ?, ?)")
                + " ORDER BY TABLE_SCHEMA, TABLE_NAME";
        Map<String, Map<String, Table>> out = new LinkedHashMap<>();
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            if (database != null) {
                ps.setString(1, database);
            } else {
                int i = 1;
                for (String s : new TreeSet<>(SYSTEM)) {
                    ps.setString(i++, s);
                }
                ps.setString(i, store.schema().name());
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Table t = new Table(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4));
                    out.computeIfAbsent(t.database(), k -> new LinkedHashMap<>()).put(t.name(), t);
                }
            }
        }
        return out;
    }
}
