package dev.osc.engine;

import com.zaxxer.hikari.HikariDataSource;
import dev.osc.engine.alter.AlterSpec;
import dev.osc.engine.alter.ColumnMapping;
import dev.osc.engine.checksum.ChecksumExpressions;
import dev.osc.engine.checksum.Checksummer;
import dev.osc.engine.copy.CopyStatements;
import dev.osc.engine.copy.ChunkSizer;
import dev.osc.engine.copy.CopyThreads;
import dev.osc.engine.control.ControlChannel;
import dev.osc.engine.control.ControlLoop;
import dev.osc.engine.control.Controllable;
import dev.osc.engine.control.Setting;
import dev.osc.engine.copy.KeyRange;
import dev.osc.engine.copy.RangeTracker;
import dev.osc.engine.copy.ReadMode;
import dev.osc.engine.copy.RowCopier;
import dev.osc.engine.copy.Watermark;
import dev.osc.engine.cutover.CutOver;
import dev.osc.engine.cutover.TableNames;
import dev.osc.engine.db.BinlogPosition;
import dev.osc.engine.db.Connections;
import dev.osc.engine.db.Queries;
import dev.osc.engine.db.ServerInfo;
import dev.osc.engine.db.Sql;
import dev.osc.engine.inspect.Inspector;
import dev.osc.engine.inspect.TableInfo;
import dev.osc.engine.key.PrimaryKey;
import dev.osc.engine.key.RowKey;
import dev.osc.engine.plan.Finding;
import dev.osc.engine.plan.Findings;
import dev.osc.engine.plan.Method;
import dev.osc.engine.plan.Planner;
import dev.osc.engine.repl.BinlogStreamer;
import dev.osc.engine.repl.ChangeApplier;
import dev.osc.engine.repl.ChangeSet;
import dev.osc.engine.repl.ParallelWriter;
import dev.osc.engine.repl.PendingChanges;
import dev.osc.engine.state.Checkpoint;
import dev.osc.engine.state.EarlierRuns;
import dev.osc.engine.state.EarlierRuns.Resume;
import dev.osc.engine.state.ControlTable;
import dev.osc.engine.state.MigrationRecord;
import dev.osc.engine.state.MigrationStart;
import dev.osc.engine.state.Outcome;
import dev.osc.engine.state.StateReporter;
import dev.osc.engine.state.StateSchema;
import dev.osc.engine.state.StateStore;
import dev.osc.engine.state.StateStoreException;
import dev.osc.throttler.Signal;
import dev.osc.throttler.lag.Heartbeat;
import dev.osc.throttler.lag.ReplicaAddress;
import dev.osc.throttler.lag.ReplicaDiscovery;
import dev.osc.throttler.lag.ReplicaLag;
import dev.osc.throttler.SignalThrottler;
import dev.osc.throttler.signal.FlagFile;
import dev.osc.throttler.signal.ManualPause;
import dev.osc.throttler.signal.ThreadsRunning;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs one online schema change from preflight to swap. Copy workers fill the shadow table range
 * by range while the main thread applies changed rows ({@link PendingChanges}); the
 * {@link RangeTracker}'s watermarks keep the two from ever writing the same key out of order (see
 * {@link ChangeApplier}). Both hold back while the throttler says so; operators steer the run
 * through a {@link ControlChannel}.
 *
 * <p>Talks to the primary only. Until the swap it changes nothing but its own shadow table, and on
 * every failure it drops that table and leaves the original as it was.
 */
public final class Migration implements Controllable {
    private static final Logger log = LoggerFactory.getLogger(Migration.class);
    private static final Duration CATCH_UP_WAIT = Duration.ofSeconds(30);
    private static final int CHECKSUM_CHUNK_ROWS = 10_000;
    /** Changed keys applied per transaction: large enough for bursts, small enough for short locks. */
    private static final int APPLY_KEYS_PER_TRANSACTION = 10_000;

    private final MigrationConfig config;
    private final MigrationListener listener;
    private final LiveSettings settings;
    private final ManualPause pause = new ManualPause();
    private volatile boolean cancelled;
    private volatile String cancelReason = "aborted on request";
    private volatile boolean cutOverRequested;
    private volatile Phase phase = Phase.PREFLIGHT;
    private volatile ControlChannel controlChannel = ControlChannel.NONE;
    /** This run's row in the state schema, once recorded; null when the state schema cannot be written. */
    private volatile StateStore stateStore;
    private volatile long stateId = -1;
    /** The state record's writer once the run is registered; hears every event too. */
    private volatile MigrationListener recorder = MigrationListener.NONE;
    private final MigrationListener toRecorder = new MigrationListener() {
        @Override public void phase(Phase p, String d) { recorder.phase(p, d); }
        @Override public void progress(Progress p) { recorder.progress(p); }
    };

    public Migration(MigrationConfig config, MigrationListener listener) {
        this.config = config;
        this.listener = MigrationListener.all(listener, toRecorder);
        this.settings = new LiveSettings(config);
    }

    /** Asks a running migration to stop; it drops its shadow table and leaves the original as it was. */
    public void cancel() {
        cancelled = true;
    }

    /** Where operators' requests come from (the state store's control table); none by default. */
    public Migration controlledBy(ControlChannel channel) {
        this.controlChannel = channel;
        return this;
    }

    /**
     * For tests that freeze a run to stand for a crashed process: its state record stops being
     * refreshed, as a dead process's would.
     */
    void stopRefreshingRecordForTest() {
        if (recorder instanceof StateReporter r) {
            r.close();
        }
    }

    /** The settings as they are now, after any {@code osc set}. */
    public LiveSettings settings() {
        return settings;
    }

    @Override
    public Answer pause() {
        // the sender adds what it means for the operator (ControlSender's hints)
        return Answer.done(pause.pause() ? "paused" : "already paused");
    }

    @Override
    public Answer resume() {
        return Answer.done(pause.resume() ? "resumed" : "was not paused; nothing to resume");
    }

    @Override
    public Answer set(Setting setting, Object value) {
        String change = settings.set(setting, value);
        log.info("set {}", change);
        return Answer.done(change);
    }

    @Override
    public Answer cutOver() {
        if (!config.postponeCutOver()) {
            return Answer.refused("this run was not started with --postpone-cutover; it swaps the tables on its own"
                    + " once they match");
        }
        if (phase.ordinal() >= Phase.CUT_OVER.ordinal()) {
            return Answer.refused("the cut-over has already " + (phase == Phase.CUT_OVER ? "started" : "ended")
                    + " (phase " + phase.label() + ")");
        }
        cutOverRequested = true;
        return Answer.done(phase == Phase.WAITING_FOR_CUTOVER ? "cut-over starting now"
                : "cut-over will follow as soon as the copy and checksum are done (phase now: " + phase.label() + ")");
    }

    @Override
    public Answer abort() {
        if (phase == Phase.DONE) {
            return Answer.refused("the tables were already swapped; use osc revert to go back");
        }
        cancelReason = "aborted by an operator (osc abort)";
        cancelled = true;
        return null;
    }

    public Phase phase() {
        return phase;
    }

    /** Works out the plan; changes nothing (beyond the moment an empty probe table exists). */
    public Plan plan() {
        try (Connection c = Connections.open(config.connection())) {
            return plan(c);
        } catch (SQLException e) {
            throw OscException.server("lost the connection to " + config.connection().describe() + ": " + e.getMessage(), e);
        }
    }

    private Plan plan(Connection c) throws SQLException {
        return plan(c, true);
    }

    private Plan plan(Connection c, boolean sampleCopyRate) throws SQLException {
        enter(Phase.PREFLIGHT, "checking " + config.database() + "." + config.table());
        return new Planner(config, Findings.standard(), sampleCopyRate).plan(c);
    }

    /** Works out the plan and refuses, as a run would, when a blocker stops it. Changes nothing. */
    public MigrationResult dryRun() {
        long start = System.nanoTime();
        Plan plan = plan();
        requireNoBlocker(plan);
        return new MigrationResult(plan, plan.method(), false, 0, 0, Duration.ZERO,
                Duration.ofNanos(System.nanoTime() - start), 0, 0, 0, 0, 0, 0, null, 0);
    }

    /** Every blocker's message in one exception; the change is refused and nothing was changed. */
    private static void requireNoBlocker(Plan plan) {
        List<Finding> blockers = plan.blockers();
        if (blockers.isEmpty()) {
            return;
        }
        String message = blockers.size() == 1 ? blockers.get(0).message()
                : "the plan found " + blockers.size() + " blockers:\n" + blockers.stream()
                        .map(f -> "  - " + f.code() + ": " + f.message()).collect(java.util.stream.Collectors.joining("\n"));
        throw OscException.badInput(message);
    }

    /** Warnings stop the run unless the user named their codes in --accept. */
    private void requireAccepted(Plan plan) {
        List<String> unaccepted = plan.warnings().stream().map(Finding::code).distinct()
                .filter(code -> !config.accepted().contains(code)).toList();
        if (!unaccepted.isEmpty()) {
            throw OscException.badInput("the plan has warnings that need your consent: " + plan.warnings().stream()
                    .filter(f -> unaccepted.contains(f.code())).map(f -> f.code() + ": " + f.message())
                    .collect(java.util.stream.Collectors.joining("; ")) + ". Run again with --accept "
                    + String.join(",", unaccepted) + " to go ahead; nothing was changed");
        }
    }

    /** Applies the user's clauses to a table of osc's; a server error here is the user's ALTER failing. */
    private static void alterShadow(Connection c, String quotedShadow, AlterSpec spec) {
        try {
            Queries.exec(c, "ALTER TABLE " + quotedShadow + " " + spec.clauses());
        } catch (SQLException e) {
            throw OscException.badInput("the server refuses the ALTER: " + e.getMessage()
                    + " (error " + e.getErrorCode() + "). Fix --alter; nothing was changed");
        }
    }

    /** Runs the migration for real. */
    public MigrationResult execute() {
        long start = System.nanoTime();
        Connection main = Connections.open(config.connection());
        try {
            Plan plan = plan(main, false);
            if (plan.alreadyApplied()) {
                return alreadyApplied(plan, start);
            }
            // a shadow table left by a crashed run is looked at under the lock (resume or start over)
            if (!leftShadowOnly(plan)) {
                requireNoBlocker(plan);
            }
            requireAccepted(plan);
            return recorded(plan, () -> underLock(main, plan, start));
        } catch (SQLException e) {
            throw OscException.server("lost the connection to " + config.connection().describe() + ": " + e.getMessage(), e);
        } finally {
            try {
                main.close();
            } catch (SQLException e) {
                log.debug("closing", e);
            }
        }
    }

    /** The only blocker is that the shadow table exists: a crashed run may have left it. */
    private static boolean leftShadowOnly(Plan plan) {
        return !plan.blockers().isEmpty() && plan.names() != null && plan.blockers().stream()
                .allMatch(f -> f.code().equals("SHADOW_TABLE_EXISTS") && f.message().contains(plan.names().shadow() + " "));
    }

    /**
     * Takes the table's migration lock (waiting for another run, or refusing with
     * --if-running fail), then migrates: from a crashed run's checkpoint when there is a usable
     * one, from scratch otherwise.
     */
    private MigrationResult underLock(Connection main, Plan first, long start) throws SQLException {
        String lockName = lockName();
        // This session holds the migration's named lock for hours on a big table; a server
        // wait_timeout must not end it (and the lock with it) while the copy runs elsewhere.
        Queries.exec(main, "SET SESSION wait_timeout = 31536000");
        boolean waited = Queries.number(main, "SELECT COALESCE(GET_LOCK(?, 0), 0)", lockName) != 1;
        if (waited) {
            String who = earlierRuns(main).map(EarlierRuns::lockHolder).orElse("");
            if (config.ifRunning() == MigrationConfig.IfRunning.FAIL) {
                throw new OscException(OscException.Kind.BUSY, "another osc run is migrating " + config.database() + "."
                        + config.table() + who + "; nothing was changed. Without --if-running fail osc waits for it");
            }
            // another run (another deploy instance, say) is migrating the table: wait for it
            listener.notice("another osc run is migrating " + config.database() + "." + config.table() + who
                    + "; waiting for it to finish");
            while (Queries.number(main, "SELECT COALESCE(GET_LOCK(?, 10), 0)", lockName) != 1) {
                checkCancelled();
            }
        }
        try {
            Plan plan = first;
            if (waited) {
                // it may have applied this very change: plan again
                plan = plan(main, false);
                if (plan.alreadyApplied()) {
                    return alreadyApplied(plan, start);
                }
            }
            Optional<EarlierRuns> earlier = earlierRuns(main);
            Optional<Resume> resume = Optional.empty();
            if (!leftShadowOnly(plan) && earlier.isPresent()) {
                earlier.get().closeDead();
            }
            if (leftShadowOnly(plan) && earlier.isPresent()) {
                resume = earlier.get().resumable(plan.names().shadow());
                if (resume.isEmpty()) {
                    // the shadow table was dropped, or another run finished with it meanwhile
                    plan = plan(main, false);
                    if (plan.alreadyApplied()) {
                        return alreadyApplied(plan, start);
                    }
                }
            }
            if (resume.isEmpty()) {
                requireNoBlocker(plan);
            }
            requireAccepted(plan);
            if (plan.method() == Method.INSTANT) {
                Optional<MigrationResult> instant = new InstantChange(config, listener, this::enter).run(main, plan, start);
                if (instant.isPresent()) {
                    return instant.get();
                }
            }
            return new Run(plan, main, start, resume.orElse(null)).run();
        } finally {
            try {
                Queries.exec(main, "DO RELEASE_LOCK(" + Sql.literal(lockName) + ")");
            } catch (SQLException e) {
                // the lock ends with the session anyway; the migration's outcome stands
                log.warn("could not release the migration lock {}: {}", lockName, e.getMessage());
            }
        }
    }

    /** The other runs of this table, as the state schema knows them; empty when it cannot be written. */
    private Optional<EarlierRuns> earlierRuns(Connection main) {
        StateStore store = stateStore;
        return store == null ? Optional.empty() : Optional.of(new EarlierRuns(store, stateId, main, config.database(),
                config.table(), config.alter(), listener::notice, this::checkCancelled));
    }

    private interface Work {
        MigrationResult run() throws SQLException;
    }

    /**
     * Runs the work with the migration recorded in the state schema: its row is kept current while
     * it runs and gets the outcome at the end, and operators' requests reach it through the
     * control table. When the state schema cannot be written, osc says so and migrates anyway:
     * the bookkeeping must not stand between the user and the change.
     */
    private MigrationResult recorded(Plan plan, Work work) throws SQLException {
        StateStore store = new StateStore(config.connection(), new StateSchema(config.stateSchema()));
        ControlTable controlTable = new ControlTable(config.connection(), new StateSchema(config.stateSchema()));
        StateReporter reporter = null;
        try {
            long id = store.begin(new MigrationStart(config.database(), config.table(), config.alter(), plan.method(),
                    phase, dev.osc.engine.plan.PlanJson.json(plan), plan.names() == null ? null : plan.names().shadow(),
                    plan.names() == null ? null : plan.names().old(), settings.describe()));
            reporter = new StateReporter(store, id, phase, Duration.ofSeconds(2));
            recorder = reporter;
            stateStore = store;
            stateId = id;
            controlChannel = controlTable.channel(id);
            log.info("recorded as migration {} in {}", id, config.stateSchema());
        } catch (StateStoreException | RuntimeException e) {
            listener.notice("could not record the migration in the state schema " + config.stateSchema() + " ("
                    + e.getMessage() + "); it runs anyway, but osc pause/resume/set/cutover/abort cannot reach it");
        }
        try {
            MigrationResult result = work.run();
            if (reporter != null) {
                reporter.finish(Outcome.SUCCEEDED, null);
            }
            return result;
        } catch (RuntimeException | SQLException | Error e) {
            if (reporter != null) {
                boolean busy = e instanceof OscException oe && oe.kind() == OscException.Kind.BUSY;
                reporter.finish(phase == Phase.DONE ? Outcome.SUCCEEDED : cancelled || busy ? Outcome.ABORTED
                        : Outcome.FAILED, e.getMessage());
            }
            throw e;
        } finally {
            recorder = MigrationListener.NONE;
            stateStore = null;
            store.close();
            controlTable.close();
        }
    }

    private MigrationResult alreadyApplied(Plan plan, long start) {
        enter(Phase.DONE, config.table() + " already has the schema this ALTER produces; nothing to do");
        return new MigrationResult(plan, plan.method(), false, 0, 0, Duration.ZERO,
                Duration.ofNanos(System.nanoTime() - start), 0, 0, 0, 0, 0, 0, null, 0);
    }

    /**
     * The replicas to watch (given with --replica, and those the primary lists) and, when there are
     * any, a heartbeat on the primary that they replicate. Returns the heartbeat to close.
     */
    private Optional<Heartbeat> watchReplicas(Connection primary, List<Signal> signals) throws SQLException {
        java.util.LinkedHashSet<ReplicaAddress> replicas = new java.util.LinkedHashSet<>();
        for (String r : config.replicas()) {
            replicas.add(ReplicaAddress.parse(r));
        }
        if (config.discoverReplicas()) {
            try {
                replicas.addAll(ReplicaDiscovery.discover(primary));
            } catch (SQLException e) {
                listener.notice("could not list the primary's replicas (" + e.getMessage() + "); osc watches only"
                        + " those given with --replica. GRANT REPLICATION MASTER ADMIN (MariaDB) or REPLICATION SLAVE"
                        + " (MySQL) lets osc find them");
            }
        }
        if (replicas.isEmpty()) {
            return Optional.empty();
        }
        listener.notice("watching replica lag on " + replicas.stream().map(ReplicaAddress::toString)
                .collect(java.util.stream.Collectors.joining(", ")) + " (max " + Durations.format(settings.maxLag()) + ")");
        String id = lockName();
        Heartbeat heartbeat = Heartbeat.start(() -> Connections.open(config.connection()), config.stateSchema(), id);
        List<ReplicaLag.Replica> watched = new ArrayList<>();
        for (ReplicaAddress a : replicas) {
            ConnectionConfig at = new ConnectionConfig(a.host(), a.port(), config.connection().user(),
                    config.connection().password());
            watched.add(new ReplicaLag.Replica(a.toString(), () -> Connections.open(at)));
        }
        signals.add(new ReplicaLag(config.stateSchema(), id, watched, settings::maxLag));
        return Optional.of(heartbeat);
    }

    private String lockName() {
        return lockName(config.database(), config.table());
    }

    /**
     * The server-side lock (GET_LOCK) a run holds while it changes a table; anything else that
     * must not overlap a migration of the table (a revert, another run) takes the same lock.
     * GET_LOCK names are limited to 64 characters; long table names are hashed.
     */
    public static String lockName(String database, String table) {
        String name = "osc:" + database + "." + table;
        if (name.length() <= 64) {
            return name;
        }
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
            return "osc:" + HexFormat.of().formatHex(d, 0, 20);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private void enter(Phase p, String detail) {
        phase = p;
        log.info("phase {}: {}", p.label(), detail);
        listener.phase(p, detail);
    }

    private void checkCancelled() {
        if (cancelled) {
            throw new OscException(OscException.Kind.FAILED, cancelReason);
        }
    }

    /** The state of one execution; lives from shadow creation to swap or cleanup. */
    private final class Run {
        private final Plan plan;
        private final Connection main;
        private final long start;
        private final TableNames names;
        private final String database = config.database();
        private final ChangeSet changes = new ChangeSet();
        private BinlogStreamer streamer;
        private HikariDataSource pool;
        private RowCopier copier;
        private ChangeApplier applier;
        private Checksummer checksummer;
        private volatile RangeTracker ranges;
        private volatile boolean copyDone;
        private final AtomicLong rowsCopied = new AtomicLong();
        private BinlogPosition masterPosition;
        private long lastProgress;
        private boolean swapped;
        private SignalThrottler throttler;
        private Heartbeat heartbeat;
        private ControlLoop control;
        private final AtomicReference<String> reportedThrottle = new AtomicReference<>("");
        private boolean memoryNoticeGiven;
        private volatile int copyThreads;
        /** INSERT mode (a new unique key): one copy worker, see {@link #copyWorkers}. */
        private boolean oneWorker;
        /** How the copy and the applier read the source. */
        private ReadMode reads = ReadMode.LOCKING;
        /** Copy workers at the start of the copy. */
        private int startThreads;
        /** Writes due changes in parallel where the table's rows are independent; null where they are not. */
        private ParallelWriter writer;
        /** The changes still to apply, and the applying of them. */
        private PendingChanges pendingChanges;
        /** Connections that compare the tables side by side. */
        private int checksumThreads;
        /** Why osc chose the number of copy workers it did, or null when the user gave it. */
        private String threadsChosen;
        private String sourceDefinition;
        /** Where copy, apply, checksum and cut-over sessions connect (UTC for a TIMESTAMP key). */
        private ConnectionConfig sessions;

        /** A crashed run's checkpoint to go on from, or null. */
        private final Resume resume;
        private PrimaryKey key;
        private String sourceHash;
        private String shadowHash;
        private long lastCheckpoint = System.nanoTime();
        /** The binlog position read under the cut-over lock: where writes to the new table begin. */
        private volatile BinlogPosition cutPosition;

        Run(Plan plan, Connection main, long start, Resume resume) {
            this.plan = plan;
            this.main = main;
            this.start = start;
            this.names = plan.names();
            this.resume = resume;
        }

        MigrationResult run() throws SQLException {
            try {
                startControl();
                return migrate();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new OscException(OscException.Kind.FAILED, "interrupted; the original table is intact", e);
            } catch (OscException e) {
                throw e;
            } catch (Exception e) {
                throw OscException.failed("the migration failed: " + e.getMessage() + "; the original table is intact", e);
            } finally {
                cleanUp();
            }
        }

        private MigrationResult migrate() throws Exception {
            String shadow = Sql.quote(database, names.shadow());
            sourceDefinition = new Inspector(main).definition(Sql.quote(database, plan.source().name()));
            if (resume == null) {
                enter(Phase.SETUP, "creating shadow table " + names.shadow());
                Queries.exec(main, "CREATE TABLE " + shadow + " LIKE " + Sql.quote(database, plan.source().name()));
                alterShadow(main, shadow, plan.alter());
            } else {
                enter(Phase.SETUP, "resuming migration " + resume.deadRun() + " with its shadow table " + names.shadow());
            }
            sourceHash = Inspector.hash(sourceDefinition);
            shadowHash = Inspector.hash(new Inspector(main).definition(shadow));
            TableInfo shadowInfo = new Inspector(main).table(database, names.shadow()).orElseThrow();
            ColumnMapping mapping = ColumnMapping.build(plan.source(), shadowInfo, plan.alter());
            key = PrimaryKey.of(mapping);
            ServerInfo server = ServerInfo.read(main);
            boolean replace = onlyExistingUniqueKeys(mapping);
            boolean replaceOverUniqueKeys = replace && new Inspector(main).uniqueKeys(shadow).size() > 1;
            sessions = plan.source().primaryKeyColumns().stream().anyMatch(col -> col.dataType().equals("timestamp"))
                    ? config.connection().withUtcSessions() : config.connection();
            BinlogPosition from;
            if (resume != null) {
                from = resume.position();
            } else if (ReadMode.lockingWhatever(main, server, config.lockingReads(), replaceOverUniqueKeys).isEmpty()) {
                // for plain reads, no transaction on the table may be between its binlog write and its
                // commit where the stream starts: it would be in neither the stream nor the copy's reads
                from = withTablesLocked(Sql.quote(database, plan.source().name()) + " READ", "the copy's start",
                        ServerInfo::binlogPosition);
            } else {
                from = ServerInfo.binlogPosition(main);
            }
            // checked after the stream's start is fixed: an XA transaction prepared before it changed
            // rows that the stream will not show
            reads = readMode(server, replaceOverUniqueKeys);
            if (settings.threads() == MigrationConfig.AUTO_THREADS) {
                CopyThreads chosen = CopyThreads.choose(main, server,
                        shadowInfo.columns().stream().anyMatch(dev.osc.engine.inspect.Column::autoIncrement));
                settings.chooseThreads(chosen.count());
                threadsChosen = chosen.why();
            }
            CopyStatements statements = new CopyStatements(database, plan.source().name(), names.shadow(), mapping, key,
                    replace, reads);
            oneWorker = !replace;
            copier = new RowCopier(statements);
            applier = new ChangeApplier(statements, config.applyBatchKeys());
            checksummer = new Checksummer(database, plan.source().name(), names.shadow(), mapping, statements,
                    CHECKSUM_CHUNK_ROWS, ChecksumExpressions.RangeSum.of(server));

            if (resume != null) {
                resumeFromCheckpoint(statements);
            }
            streamer = new BinlogStreamer(config.connection(), plan.source(), key, changes, config.binlogReconnectAttempts());
            streamer.start(from);
            masterPosition = from;
            // osc keeps at most half the server's CPUs busy, whichever work it does
            int half = CopyThreads.halfTheServer(main, server).count();
            int applyThreads = config.applyThreads() != MigrationConfig.AUTO_THREADS ? config.applyThreads() : half;
            checksumThreads = half;
            pool = Connections.pool(sessions, "work", 2 + applyThreads);
            if (applyThreads > 1 && new Inspector(main).uniqueKeys(shadow).size() == 1) {
                // the primary key is the only unique key: no two changed rows can meet, so they apply side by side
                writer = new ParallelWriter(applier, pool::getConnection, applyThreads);
            }
            pendingChanges = new PendingChanges(changes, applier, writer, reads, new PendingChanges.Watermarks() {
                @Override
                public Watermark copied() {
                    return copiedWatermark();
                }

                @Override
                public Watermark handedOut() {
                    return handedOutWatermark();
                }
            }, streamer, listener::changesApplied);
            startThrottler();

            long copyStart = System.nanoTime();
            if (!copyDone) {
                copyRows();
            }
            Duration copyTime = Duration.ofNanos(System.nanoTime() - copyStart);

            enter(Phase.CATCH_UP, pending() + " changes pending");
            catchUp();

            int[] checksum = checksum();

            if (config.postponeCutOver()) {
                awaitCutOverRequest();
            }
            // catch up once more without any lock, so that the lock is held only for the last moments
            catchUp();
            awaitNotThrottled("the cut-over");
            enter(Phase.CUT_OVER, "swapping " + plan.source().name() + " and " + names.shadow());
            streamer.expectOwnSwap(CutOver.renameStatement(database, names));
            CutOver.Result cut = new CutOver(sessions, database, names, config.cutOverLockWait(),
                    config.cutOverAttempts(), config.cutOverBackoff(), lock -> {
                        lockCheckedAt = 0;
                        checkLockHeld();
                        requireUnchangedSource(lock);
                        cutPosition = ServerInfo.binlogPosition(lock);
                        drainUnderLock(lock);
                        carryAutoIncrement(lock);
                    }, listener::notice).run();
            swapped = true;
            for (int attempt = 1; attempt < cut.attempts(); attempt++) {
                listener.cutOverAttempt(attempt, false, Duration.ZERO);
            }
            listener.cutOverAttempt(cut.attempts(), true, Duration.ofMillis(cut.lockMillis()));
            recordCutOver();
            enter(Phase.DONE, plan.source().name() + " has the new schema; the old table is kept as " + names.old());
            return new MigrationResult(plan, Method.COPY, true, rowsCopied.get(), pendingChanges.applied(), copyTime,
                    Duration.ofNanos(System.nanoTime() - start), checksum[0], checksummer.rowsChecked(), checksum[1],
                    cut.attempts(), cut.lockMillis(), streamer.reconnects(), reads, startThreads);
        }

        /** The reads of this run ({@link ReadMode#choose}); a fall-back to locking reads is said. */
        private ReadMode readMode(ServerInfo server, boolean replaceOverUniqueKeys) throws SQLException {
            ReadMode.Choice choice = ReadMode.choose(main, server, config.lockingReads(), replaceOverUniqueKeys);
            if (choice.mode() == ReadMode.LOCKING && !config.lockingReads()) {
                listener.notice("osc reads " + plan.source().name() + " with LOCK IN SHARE MODE, so writes to rows it"
                        + " copies wait for their chunk: " + choice.why());
            }
            log.info("reading {} with {} reads", plan.source().name(), choice.mode().name().toLowerCase(java.util.Locale.ROOT));
            return choice.mode();
        }

        /**
         * Goes on from a crashed run's checkpoint: rows above the checkpoint's copied key may be
         * in the shadow table, copied after the checkpoint; they are deleted and copied again, so
         * that the promise of the checkpoint (every row up to that key, with every change before
         * its binlog position) is all the shadow table holds.
         */
        private void resumeFromCheckpoint(CopyStatements statements) throws SQLException {
            Checkpoint cp = resume.checkpoint();
            String shadow = Sql.quote(database, names.shadow());
            if (cp.copyDone()) {
                copyDone = true;
            } else if (cp.copiedUpTo().isEmpty()) {
                Queries.exec(main, "DELETE FROM " + shadow);
            } else {
                RowKey upTo = key.decode(cp.copiedUpTo());
                ranges = new RangeTracker(copier, upTo);
                PrimaryKey.Predicate above = key.greaterThan(true);
                long deleted;
                // in a session like the copy's (UTC for a TIMESTAMP key: the key was read there)
                try (Connection c = Connections.open(sessions)) {
                    do {
                        // in slices, so that no single statement holds many locks or a long undo log
                        try (java.sql.PreparedStatement ps = c.prepareStatement("DELETE FROM " + shadow + " WHERE "
                                + above.sql() + " LIMIT 10000")) {
                            above.bind(ps, 1, key.columns(), upTo);
                            deleted = ps.executeUpdate();
                        }
                    } while (deleted > 0);
                }
            }
            rowsCopied.set(cp.rowsCopied());
            listener.notice("resuming migration " + resume.deadRun() + " from its checkpoint: "
                    + (cp.copyDone() ? "the copy was complete" : "about " + cp.rowsCopied() + " rows already copied")
                    + ", following the binary log again from " + resume.position());
        }

        /**
         * Every few seconds, saves where the run stands. The binlog position is taken first; then
         * every pending change is applied, so every change before that position to a row the copy
         * has passed is in the shadow table when the checkpoint is written.
         */
        private void maybeCheckpoint(Connection c) throws SQLException, InterruptedException {
            StateStore store = stateStore;
            // while held back the apply waits, and so does the checkpoint (it applies what is pending);
            // the last checkpoint stays valid, only older
            if (store == null || System.nanoTime() - lastCheckpoint < config.checkpointInterval().toNanos()
                    || throttler.throttleReason().isPresent()) {
                return;
            }
            lastCheckpoint = System.nanoTime();
            try {
                // everything pending, the keys that waited for ranges included: those the copy has
                // passed must be in the shadow table before the checkpoint says so
                Standing at = pendingChanges.applyEverythingAfter(c,
                        () -> new Standing(streamer.resumePosition(), copiedWatermark(), rowsCopied.get()));
                Checkpoint cp = new Checkpoint(at.copied().all(), at.copied().all() || at.copied().none() ? List.of()
                        : key.encode(at.copied().upTo()), at.rows(), sourceHash, shadowHash);
                store.checkpoint(stateId, cp.toJson(), at.position());
            } catch (StateStoreException e) {
                log.warn("could not save a checkpoint: {}", e.getMessage());
            }
        }

        /** Where a run stands when a checkpoint is taken: binlog position first, then the copy. */
        private record Standing(BinlogPosition position, Watermark copied, long rows) {
        }

        private void recordCutOver() {
            StateStore store = stateStore;
            if (store == null || cutPosition == null) {
                return;
            }
            try {
                store.cutOver(stateId, config.revertWindow(), cutPosition);
            } catch (StateStoreException e) {
                listener.notice("could not record the cut-over in the state schema (" + e.getMessage()
                        + "); osc revert will not find this migration");
            }
        }

        /**
         * Copies every range with the configured number of workers while this thread applies
         * changes, reports progress and adds or retires workers when {@code osc set threads=N}
         * changes the count.
         */
        private void copyRows() throws Exception {
            startThreads = copyWorkers();
            String why = oneWorker ? "a unique key new in the ALTER" : threadsChosen;
            enter(Phase.COPY, "copying about " + plan.source().rowsEstimate() + " rows in primary-key chunks with "
                    + startThreads + (startThreads == 1 ? " worker" : " workers") + (why == null ? "" : " (" + why + ")"));
            if (ranges == null) {
                ranges = new RangeTracker(copier);
            }
            AtomicReference<Throwable> failure = new AtomicReference<>();
            List<Thread> workers = new ArrayList<>();
            try (Connection c = pool.getConnection()) {
                while (!ranges.finished()) {
                    checkStop();
                    streamer.checkHealthy();
                    rethrow(failure.get());
                    startWorkers(workers, failure);
                    int applied = 0;
                    if (applyAllowed()) {
                        applied = pendingChanges.applyNext(c, APPLY_KEYS_PER_TRANSACTION);
                    }
                    reportProgress(c, false);
                    maybeCheckpoint(c);
                    if (applied == 0) {
                        Thread.sleep(10);
                    }
                }
                rethrow(failure.get());
                copyDone = true;
                pendingChanges.applyNext(c, 0);
                reportProgress(c, true);
            } finally {
                for (Thread w : workers) {
                    w.interrupt();
                }
                for (Thread w : workers) {
                    w.join(TimeUnit.SECONDS.toMillis(30));
                }
            }
        }

        private void rethrow(Throwable t) throws Exception {
            if (t instanceof Exception e) {
                throw e;
            }
            if (t instanceof Error e) {
                throw e;
            }
        }

        /** How many copy workers should run now. */
        private int copyWorkers() {
            // With a unique key new in the ALTER, a row may meet the stale copy of another row whose
            // change waits for a range another worker is copying; one worker never meets that.
            return oneWorker ? 1 : settings.threads();
        }

        /** Starts workers up to the wanted count; a worker above the count retires after its chunk. */
        private void startWorkers(List<Thread> workers, AtomicReference<Throwable> failure) {
            int wanted = copyWorkers();
            workers.removeIf(w -> !w.isAlive());
            java.util.Set<Integer> used = new java.util.HashSet<>();
            for (Thread w : workers) {
                used.add(Integer.parseInt(w.getName().substring(w.getName().lastIndexOf('-') + 1)));
            }
            for (int slot = 0; slot < wanted && ranges.handedOut() != Watermark.ALL; slot++) {
                if (!used.contains(slot)) {
                    int mySlot = slot;
                    Thread t = new Thread(() -> copyWorker(mySlot, failure), "osc-copy-" + slot);
                    t.setDaemon(true);
                    t.start();
                    workers.add(t);
                }
            }
            // counted after starting, so that the first progress event shows the workers just started
            copyThreads = Math.min(workers.size(), wanted);
        }

        private void copyWorker(int slot, AtomicReference<Throwable> failure) {
            try (Connection c = Connections.open(sessions)) {
                ChunkSizer size = new ChunkSizer(config.initialChunkRows(), config.maxChunkRows());
                while (slot < copyWorkers() && failure.get() == null) {
                    if (!awaitCopyAllowed()) {
                        return;
                    }
                    KeyRange range = ranges.next(c, size.rows());
                    if (range == null) {
                        return;
                    }
                    long t0 = System.nanoTime();
                    int rows = copyChunk(c, range);
                    ranges.done(range);
                    long took = Math.max(1, System.nanoTime() - t0);
                    rowsCopied.addAndGet(rows);
                    listener.chunkCopied(rows, Duration.ofNanos(took));
                    size.tookFor(Duration.ofNanos(took), settings.chunkTime());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            }
        }

        /** Waits while osc must hold back; false when the migration is stopping. */
        private boolean awaitCopyAllowed() throws InterruptedException {
            while (true) {
                if (cancelled || throttler.abortReason().isPresent()) {
                    return false;
                }
                if (holdBackReason(true).isEmpty()) {
                    return true;
                }
                Thread.sleep(50);
            }
        }

        /**
         * Why osc holds back now, or empty. The copy also holds back while the applier has too much
         * to do, so that a write burst is caught up before more rows pile on; the applier itself
         * holds back only for the signals (load, replicas, the operator).
         */
        private java.util.Optional<String> holdBackReason(boolean forCopy) {
            java.util.Optional<String> reason = throttler.throttleReason();
            if (reason.isEmpty() && forCopy && pending() > config.applyBehindKeys()) {
                reason = java.util.Optional.of("apply behind: " + pending() + " changes pending > " + config.applyBehindKeys());
            }
            String now = reason.orElse("");
            String before = reportedThrottle.getAndSet(now);
            if (!now.equals(before) && (forCopy || !now.startsWith("apply behind"))) {
                listener.throttled(now);
                if (!now.isEmpty()) {
                    log.info("throttled: {}", now);
                }
            }
            return reason;
        }

        /**
         * Whether the applier may write now: when no signal holds osc back, or when so many changed
         * rows are pending that holding more would put osc's memory at risk (their keys are kept in
         * memory; the rows themselves are re-read from the table).
         */
        private boolean applyAllowed() {
            if (holdBackReason(false).isEmpty()) {
                return true;
            }
            if (pending() > config.maxPendingKeys()) {
                if (!memoryNoticeGiven) {
                    memoryNoticeGiven = true;
                    listener.notice(pending() + " changed rows are pending, more than osc keeps in memory ("
                            + config.maxPendingKeys() + "); it applies them although it is throttled");
                }
                return true;
            }
            return false;
        }

        /** Waits, applying nothing but reporting, until no signal holds osc back. */
        private void awaitNotThrottled(String what) throws Exception {
            boolean told = false;
            try (Connection c = pool.getConnection()) {
                while (true) {
                    checkStop();
                    java.util.Optional<String> reason = holdBackReason(false);
                    if (reason.isEmpty()) {
                        return;
                    }
                    if (!told) {
                        listener.notice(what + " waits: " + reason.get());
                        told = true;
                    }
                    reportProgress(c, false);
                    Thread.sleep(100);
                }
            }
        }

        /** Keeps the shadow in sync until an operator runs osc cutover (or aborts). */
        private void awaitCutOverRequest() throws Exception {
            if (!cutOverRequested) {
                enter(Phase.WAITING_FOR_CUTOVER, "the tables match; keeping " + names.shadow()
                        + " in sync until osc cutover --database " + database + " --table " + plan.source().name());
            }
            try (Connection c = pool.getConnection()) {
                while (!cutOverRequested) {
                    checkStop();
                    streamer.checkHealthy();
                    if (applyAllowed()) {
                        pendingChanges.applyNext(c, APPLY_KEYS_PER_TRANSACTION);
                    }
                    reportProgress(c, false);
                    maybeCheckpoint(c);
                    Thread.sleep(50);
                }
            }
        }

        /** Whether every unique key of the shadow is one the source enforces on the same columns. */
        private boolean onlyExistingUniqueKeys(ColumnMapping mapping) throws SQLException {
            Inspector inspector = new Inspector(main);
            return mapping.uniqueKeysEnforcedBySource(inspector.uniqueKeys(Sql.quote(database, plan.source().name())),
                    inspector.uniqueKeys(Sql.quote(database, names.shadow())));
        }

        private Watermark copiedWatermark() {
            return copyDone ? Watermark.ALL : ranges == null ? Watermark.NONE : ranges.copied();
        }

        private Watermark handedOutWatermark() {
            return copyDone ? Watermark.ALL : ranges == null ? Watermark.NONE : ranges.handedOut();
        }

        /** Changes pending, those that wait for their range included. */
        private long pending() {
            return pendingChanges == null ? 0 : pendingChanges.size();
        }

        /** Copies one chunk; a unique-key collision with a stale shadow row is resolved as in applying. */
        private int copyChunk(Connection c, KeyRange range) throws SQLException, InterruptedException {
            for (int attempt = 0; ; attempt++) {
                try {
                    return copier.copy(c, range);
                } catch (SQLException e) {
                    if (!PendingChanges.isDuplicateKey(e)) {
                        throw e;
                    }
                    if (attempt == 3) {
                        throw PendingChanges.duplicates(e);
                    }
                    streamer.awaitPosition(ServerInfo.binlogPosition(c), CATCH_UP_WAIT);
                    pendingChanges.applyNext(c, Integer.MAX_VALUE);
                }
            }
        }

        private void catchUp() throws Exception {
            try (Connection c = pool.getConnection()) {
                long deadline = System.nanoTime() + CATCH_UP_WAIT.toNanos();
                while (true) {
                    checkStop();
                    if (!applyAllowed()) {
                        // the apply writes too: it waits for replicas and the server like the copy
                        reportProgress(c, false);
                        Thread.sleep(100);
                        deadline = System.nanoTime() + CATCH_UP_WAIT.toNanos();
                        continue;
                    }
                    BinlogPosition target = ServerInfo.binlogPosition(c);
                    streamer.awaitPosition(target, CATCH_UP_WAIT);
                    pendingChanges.applyAll(c, APPLY_KEYS_PER_TRANSACTION);
                    reportProgress(c, false);
                    maybeCheckpoint(c);
                    if (pending() < config.applyBatchKeys() || System.nanoTime() > deadline) {
                        return;
                    }
                }
            }
        }

        /** Returns {rounds, ranges repaired}. */
        private int[] checksum() throws Exception {
            int repaired = 0;
            for (int round = 1; round <= config.checksumRounds(); round++) {
                enter(Phase.CHECKSUM, "round " + round + ": comparing " + plan.source().name() + " and " + names.shadow());
                List<Checksummer.Difference> diffs = checksumRound();
                if (diffs.isEmpty()) {
                    return new int[] {round, repaired};
                }
                listener.notice("checksum round " + round + " found " + diffs.size() + " differing key range(s), e.g. "
                        + diffs.get(0).range() + " (source " + diffs.get(0).sourceRows() + " rows, shadow "
                        + diffs.get(0).shadowRows() + "); re-copying them");
                if (round == config.checksumRounds()) {
                    throw new OscException(OscException.Kind.FAILED, "the tables still differ after " + round
                            + " checksum rounds (e.g. key range " + diffs.get(0).range() + "); osc will not swap"
                            + " tables that differ. The original table is intact");
                }
                try (Connection c = pool.getConnection()) {
                    for (Checksummer.Difference d : diffs) {
                        pendingChanges.applyAll(c, APPLY_KEYS_PER_TRANSACTION);
                        copier.recopy(c, d.range());
                        repaired++;
                    }
                }
            }
            throw new IllegalStateException("unreachable");
        }

        /**
         * Opens consistent snapshots at a moment when the shadow is known to match the source (the
         * source read-locked, every change before the lock applied), then compares them while the
         * applier keeps following the binlog.
         */
        private List<Checksummer.Difference> checksumRound() throws Exception {
            List<Connection> snapshots = new ArrayList<>();
            try {
                for (int i = 0; i < checksumThreads; i++) {
                    Connection s = Connections.open(sessions);
                    Queries.exec(s, "SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ");
                    snapshots.add(s);
                }
                openSnapshotsUnderLock(snapshots);
                ExecutorService one = Executors.newSingleThreadExecutor();
                try {
                    Future<List<Checksummer.Difference>> result = one.submit(() -> checksummer.compare(snapshots));
                    try (Connection c = pool.getConnection()) {
                        while (!result.isDone()) {
                            checkStop();
                            streamer.checkHealthy();
                            if (applyAllowed()) {
                                pendingChanges.applyNext(c, APPLY_KEYS_PER_TRANSACTION);
                            }
                            reportProgress(c, false);
                            maybeCheckpoint(c);
                            listener.checksumProgress(checksummer.rowsChecked(), plan.source().rowsEstimate());
                            try {
                                return result.get(200, TimeUnit.MILLISECONDS);
                            } catch (java.util.concurrent.TimeoutException e) {
                                // keep applying while the comparison runs
                            }
                        }
                        return result.get();
                    }
                } finally {
                    one.shutdownNow();
                }
            } finally {
                for (Connection s : snapshots) {
                    try {
                        s.close();
                    } catch (SQLException e) {
                        log.debug("closing snapshot", e);
                    }
                }
            }
        }

        private void openSnapshotsUnderLock(List<Connection> snapshots) throws Exception {
            withTablesLocked(Sql.quote(database, plan.source().name()) + " READ, " + Sql.quote(database, names.shadow())
                    + " WRITE", "the checksum", lock -> {
                        drainUnderLock(lock);
                        for (Connection s : snapshots) {
                            Queries.exec(s, "START TRANSACTION WITH CONSISTENT SNAPSHOT");
                        }
                        return null;
                    });
        }

        /** Work done while tables are locked; it throws {@link CutOver.NotCaughtUp} to try again. */
        private interface Locked<T> {
            T run(Connection lock) throws Exception;
        }

        /**
         * Runs {@code work} with {@code tables} locked (LOCK TABLES), waiting at most the lock wait
         * per attempt and trying again after growing pauses, up to --cutover-attempts times.
         * Application writes to the source wait while the lock is held, for milliseconds.
         */
        private <T> T withTablesLocked(String tables, String purpose, Locked<T> work) throws Exception {
            String lastError = null;
            for (int attempt = 1; attempt <= config.cutOverAttempts(); attempt++) {
                try (Connection lock = Connections.open(sessions)) {
                    Queries.setLockWaitTimeout(lock, config.cutOverLockWait());
                    try {
                        Queries.exec(lock, "LOCK TABLES " + tables);
                    } catch (SQLException e) {
                        lastError = e.getMessage();
                        listener.notice(purpose + ": could not lock " + plan.source().name() + " (attempt " + attempt
                                + "): " + e.getMessage());
                        Thread.sleep(config.cutOverBackoff().toMillis() << Math.min(attempt - 1, 6));
                        continue;
                    }
                    try {
                        return work.run(lock);
                    } catch (CutOver.NotCaughtUp e) {
                        lastError = e.getMessage();
                        listener.notice(purpose + ", attempt " + attempt + ": " + e.getMessage() + "; trying again");
                        Thread.sleep(config.cutOverBackoff().toMillis());
                    } finally {
                        Queries.exec(lock, "UNLOCK TABLES");
                    }
                }
            }
            throw new OscException(OscException.Kind.FAILED, "could not lock " + plan.source().name() + " for " + purpose
                    + " after " + config.cutOverAttempts() + " attempts (" + lastError + "); the original table is intact");
        }

        /**
         * With the source locked: wait for the binlog to reach the present and apply everything
         * pending. Writes wait meanwhile, so the wait is bounded by the lock wait; a stream that
         * lags more gives the attempt up rather than hold the application.
         */
        private void drainUnderLock(Connection lockHolder) throws Exception {
            CutOver.requireStreamCaughtUp(streamer, lockHolder, config.cutOverLockWait());
            pendingChanges.applyAllUnderLock(lockHolder, APPLY_KEYS_PER_TRANSACTION);
        }

        /**
         * Under the cut-over lock, the source must still be what osc planned against: an index or
         * trigger someone added meanwhile would silently disappear with the swap.
         */
        private void requireUnchangedSource(Connection lockHolder) throws SQLException {
            Inspector inspector = new Inspector(lockHolder);
            String now = inspector.definition(Sql.quote(database, plan.source().name()));
            if (!now.equals(sourceDefinition) || !inspector.triggers(database, plan.source().name()).isEmpty()) {
                throw new OscException(OscException.Kind.FAILED, "the definition of " + plan.source().name()
                        + " (indexes, columns or triggers) changed while osc was migrating it; osc will not swap in a"
                        + " table built from the old definition. The original table is intact; run osc again");
            }
        }

        /**
         * With the source locked its AUTO_INCREMENT counter is final: give it to the shadow, so that
         * ids the application used and deleted are not handed out again after the swap.
         */
        private void carryAutoIncrement(Connection lockHolder) throws SQLException {
            // the larger one wins: the ALTER itself may have set a higher counter
            dev.osc.engine.cutover.AutoIncrement.carry(lockHolder, database, plan.source().name(), names.shadow());
        }

        private void reportProgress(Connection c, boolean force) throws SQLException {
            long now = System.nanoTime();
            if (!force && now - lastProgress < 1_000_000_000L) {
                return;
            }
            lastProgress = now;
            masterPosition = ServerInfo.binlogPosition(c);
            double lag = streamer.position().isAtOrAfter(masterPosition) ? 0
                    : Math.max(0, (System.currentTimeMillis() - streamer.lastEventMillis()) / 1000.0);
            Duration elapsed = Duration.ofNanos(now - start);
            long copied = rowsCopied.get();
            double rate = elapsed.toMillis() <= 0 ? 0 : copied * 1000.0 / elapsed.toMillis();
            listener.progress(new Progress(phase, copied, Math.max(copied, plan.source().rowsEstimate()), rate,
                    pendingChanges == null ? 0 : pendingChanges.applied(), pending(), lag, elapsed, reportedThrottle.get(),
                    phase == Phase.COPY ? copyThreads : 0));
        }

        /** The signals osc holds back for: the operator's pause, a flag file, server load, replica lag. */
        private void startThrottler() throws SQLException {
            List<Signal> signals = new ArrayList<>();
            signals.add(pause);
            if (config.throttleFile() != null) {
                signals.add(new FlagFile(config.throttleFile()));
            }
            signals.add(new ThreadsRunning(() -> Connections.open(config.connection()),
                    settings::maxThreadsRunning, settings::criticalThreadsRunning));
            heartbeat = watchReplicas(main, signals).orElse(null);
            throttler = new SignalThrottler(signals, config.throttleInterval(), config::criticalChecks, reason -> { })
                    .start();
        }

        private void startControl() {
            control = new ControlLoop(controlChannel, Migration.this, listener::controlled).start(Duration.ofMillis(500));
        }

        /** Stops the run when an operator aborted it or the server has been overloaded for too long. */
        private void checkStop() {
            checkCancelled();
            checkLockHeld();
            if (throttler != null && throttler.abortReason().isPresent()) {
                throw new OscException(OscException.Kind.FAILED, "aborted because of server load: "
                        + throttler.abortReason().get() + " (--critical-threads-running " + settings.criticalThreadsRunning()
                        + "); the original table is intact");
            }
        }

        private long lockCheckedAt = System.nanoTime();
        /** False once the run found that its session no longer holds the table's lock. */
        private boolean lockHeld = true;

        /**
         * Every 2 s: the run's main session must still hold the table's lock. If that session was
         * killed (an idle-connection killer, a proxy), another run may already have the table, so
         * this one stops, and leaves the shadow table alone: it may be the other run's by now.
         */
        private void checkLockHeld() {
            if (System.nanoTime() - lockCheckedAt < 2_000_000_000L) {
                return;
            }
            lockCheckedAt = System.nanoTime();
            boolean held;
            try {
                held = Queries.number(main, "SELECT COALESCE(IS_USED_LOCK(?) = CONNECTION_ID(), 0)", lockName()) == 1;
            } catch (SQLException e) {
                held = false;
            }
            if (!held) {
                lockHeld = false;
                throw new OscException(OscException.Kind.FAILED, "this run lost the lock that keeps other runs off "
                        + database + "." + plan.source().name() + " (its session to the server ended); it stops and"
                        + " leaves " + names.shadow() + " in place, as another run may own it now. The original table"
                        + " is intact; run osc again to go on");
            }
        }

        private void cleanUp() {
            if (throttler != null) {
                throttler.close();
            }
            if (heartbeat != null) {
                heartbeat.close();
            }
            if (streamer != null) {
                streamer.close();
            }
            if (writer != null) {
                writer.close();
            }
            if (pool != null) {
                pool.close();
            }
            if (!swapped) {
                phase = Phase.FAILED;
            }
            // a run that lost its lock leaves the shadow table: another run may own it by now
            if (!swapped && lockHeld) {
                try (Connection c = Connections.open(config.connection())) {
                    Queries.exec(c, "DROP TABLE IF EXISTS " + Sql.quote(database, names.shadow()));
                } catch (RuntimeException | SQLException e) {
                    listener.notice("could not drop the shadow table " + names.shadow() + ": " + e.getMessage()
                            + "; drop it by hand (DROP TABLE " + Sql.quote(database, names.shadow()) + ")");
                }
            }
            if (control != null) {
                control.acknowledgeAbort("aborted: osc stopped and dropped its shadow table " + names.shadow()
                        + "; " + plan.source().name() + " is as it was");
                control.close(swapped ? "it swapped the tables" : "it stopped; the original table is intact");
            }
        }
    }
}
