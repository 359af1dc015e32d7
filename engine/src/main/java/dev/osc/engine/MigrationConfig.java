package dev.osc.engine;

import java.time.Duration;
import java.util.Objects;

/**
 * Everything one migration needs to know, validated once and then sealed. Build it with
 * {@link #builder()}.
 */
public final class MigrationConfig {
    private final ConnectionConfig connection;
    private final String database;
    private final String table;
    private final String alter;
    private final Duration cutOverLockWait;
    private final int cutOverAttempts;
    private final Duration cutOverBackoff;
    private final Duration chunkTime;
    private final int initialChunkRows;
    private final int maxChunkRows;
    private final int checksumRounds;
    private final int binlogReconnectAttempts;
    private final int applyBatchKeys;
    private final java.util.Set<String> accepted;
    private final boolean allowInstant;
    private final int threads;
    private final Duration maxLag;
    private final int maxThreadsRunning;
    private final int criticalThreadsRunning;
    private final int criticalChecks;
    private final Duration throttleInterval;
    private final java.nio.file.Path throttleFile;
    private final java.util.List<String> replicas;
    private final boolean discoverReplicas;
    private final boolean postponeCutOver;
    private final String stateSchema;
    private final int applyBehindKeys;
    private final IfRunning ifRunning;
    private final int maxPendingKeys;
    private final Duration revertWindow;
    private final Duration checkpointInterval;
    private final boolean lockingReads;
    private final int applyThreads;

    /** {@link #threads()} when osc chooses the number of copy workers from the server. */
    public static final int AUTO_THREADS = 0;

    /** What a run does when another run is migrating the same table (--if-running). */
    public enum IfRunning { WAIT, FAIL }

    private MigrationConfig(Builder b) {
        this.connection = Objects.requireNonNull(b.connection, "connection");
        this.database = require(b.database, "--database is missing: name the database that holds the table");
        this.table = require(b.table, "--table is missing: name the table to change");
        this.alter = require(b.alter, "--alter is missing: give the change, e.g. --alter \"ADD COLUMN note VARCHAR(64)\"");
        this.cutOverLockWait = positive(b.cutOverLockWait, "cut-over lock wait");
        this.cutOverAttempts = atLeast(b.cutOverAttempts, 1, "cut-over attempts");
        this.cutOverBackoff = positive(b.cutOverBackoff, "cut-over backoff");
        this.chunkTime = positive(b.chunkTime, "chunk time");
        this.initialChunkRows = atLeast(b.initialChunkRows, 1, "initial chunk rows");
        this.maxChunkRows = atLeast(b.maxChunkRows, initialChunkRows, "maximum chunk rows");
        this.checksumRounds = atLeast(b.checksumRounds, 1, "checksum rounds");
        this.binlogReconnectAttempts = atLeast(b.binlogReconnectAttempts, 0, "binlog reconnect attempts");
        this.applyBatchKeys = atLeast(b.applyBatchKeys, 1, "apply batch size");
        this.accepted = java.util.Set.copyOf(b.accepted);
        this.allowInstant = b.allowInstant;
        this.threads = b.threads == AUTO_THREADS ? AUTO_THREADS
                : (Integer) control(dev.osc.engine.control.Setting.THREADS, String.valueOf(b.threads), "--threads");
        this.maxLag = positive(b.maxLag, "--max-lag");
        this.maxThreadsRunning = atLeast(b.maxThreadsRunning, 0, "--max-threads-running");
        this.criticalThreadsRunning = atLeast(b.criticalThreadsRunning, 0, "--critical-threads-running");
        this.criticalChecks = atLeast(b.criticalChecks, 1, "critical checks");
        this.throttleInterval = positive(b.throttleInterval, "throttle interval");
        this.throttleFile = b.throttleFile;
        this.replicas = java.util.List.copyOf(b.replicas);
        this.discoverReplicas = b.discoverReplicas;
        this.postponeCutOver = b.postponeCutOver;
        this.stateSchema = new dev.osc.engine.state.StateSchema(
                require(b.stateSchema, "--state-schema is empty: name the schema where osc keeps its state")).name();
        this.applyBehindKeys = atLeast(b.applyBehindKeys, 1, "apply-behind keys");
        this.ifRunning = Objects.requireNonNull(b.ifRunning, "ifRunning");
        this.maxPendingKeys = atLeast(b.maxPendingKeys, applyBehindKeys, "maximum pending keys");
        this.revertWindow = positive(b.revertWindow, "--revert-window");
        this.checkpointInterval = positive(b.checkpointInterval, "checkpoint interval");
        this.lockingReads = b.lockingReads;
        this.applyThreads = b.applyThreads == AUTO_THREADS ? AUTO_THREADS
                : (Integer) control(dev.osc.engine.control.Setting.THREADS, String.valueOf(b.applyThreads), "apply threads");
        control(dev.osc.engine.control.Setting.CHUNK_TIME, Durations.format(chunkTime), "--chunk-time");
    }

    /** Validates a setting the operator can also change later with osc set, by the same rules. */
    private static Object control(dev.osc.engine.control.Setting s, String value, String option) {
        try {
            return s.parse(value);
        } catch (IllegalArgumentException e) {
            throw OscException.badInput(option + ": " + e.getMessage());
        }
    }

    private static String require(String value, String message) {
        if (value == null || value.isBlank()) {
            throw OscException.badInput(message);
        }
        return value.trim();
    }

    private static Duration positive(Duration d, String what) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw OscException.badInput(what + " must be a positive duration");
        }
        return d;
    }

    private static int atLeast(int value, int min, String what) {
        if (value < min) {
            throw OscException.badInput(what + " must be at least " + min + " (got " + value + ")");
        }
        return value;
    }

    public static Builder builder() {
        return new Builder();
    }

    public ConnectionConfig connection() { return connection; }
    public String database() { return database; }
    public String table() { return table; }
    public String alter() { return alter; }
    /** How long one cut-over attempt waits for the table lock before giving up (lock_wait_timeout). */
    public Duration cutOverLockWait() { return cutOverLockWait; }
    public int cutOverAttempts() { return cutOverAttempts; }
    /** The wait after the first failed cut-over attempt; doubled after each further one. */
    public Duration cutOverBackoff() { return cutOverBackoff; }
    /** The target duration of one copy chunk; the chunk size follows it. */
    public Duration chunkTime() { return chunkTime; }
    public int initialChunkRows() { return initialChunkRows; }
    public int maxChunkRows() { return maxChunkRows; }
    /** How many checksum passes (each after repairing what the previous one found) before giving up. */
    public int checksumRounds() { return checksumRounds; }
    /** How often a cut binlog connection is re-established before the migration fails. */
    public int binlogReconnectAttempts() { return binlogReconnectAttempts; }
    /** Keys applied per statement when replaying binlog changes. */
    public int applyBatchKeys() { return applyBatchKeys; }
    /** Warning codes the user accepted (--accept); a warning not listed stops the migration. */
    public java.util.Set<String> accepted() { return accepted; }
    /** Whether osc may apply the change with ALGORITHM=INSTANT when the server confirms it can. */
    public boolean allowInstant() { return allowInstant; }
    /**
     * Copy workers at the start (osc set threads=N changes it while running); {@link #AUTO_THREADS}
     * lets osc choose ({@link dev.osc.engine.copy.CopyThreads}).
     */
    public int threads() { return threads; }
    /** Replica lag above which osc holds back. */
    public Duration maxLag() { return maxLag; }
    /** Threads_running above which osc holds back; 0 = off. */
    public int maxThreadsRunning() { return maxThreadsRunning; }
    /** Threads_running above which, for {@link #criticalChecks()} reads in a row, osc aborts; 0 = off. */
    public int criticalThreadsRunning() { return criticalThreadsRunning; }
    public int criticalChecks() { return criticalChecks; }
    /** How often the throttle signals are read. */
    public Duration throttleInterval() { return throttleInterval; }
    /** While this file exists osc holds back; null = none. */
    public java.nio.file.Path throttleFile() { return throttleFile; }
    /** Replicas to watch for lag, as host:port, besides those discovered. */
    public java.util.List<String> replicas() { return replicas; }
    /** Whether to find replicas from the primary (SHOW SLAVE HOSTS / SHOW REPLICAS). */
    public boolean discoverReplicas() { return discoverReplicas; }
    /** Copy and keep in sync, but swap only when an operator runs osc cutover. */
    public boolean postponeCutOver() { return postponeCutOver; }
    /** The schema where osc records migrations and takes control requests. */
    public String stateSchema() { return stateSchema; }
    /** Pending changed keys above which the copy holds back so that the apply can catch up. */
    public int applyBehindKeys() { return applyBehindKeys; }
    public IfRunning ifRunning() { return ifRunning; }
    /** Changed keys held in memory above which the applier writes even while throttled. */
    public int maxPendingKeys() { return maxPendingKeys; }
    /** How long after the swap the old table is kept for osc revert. */
    public Duration revertWindow() { return revertWindow; }
    /** How often a running migration saves where it stands, for a resume after a crash. */
    public Duration checkpointInterval() { return checkpointInterval; }
    /**
     * Read the table with LOCK IN SHARE MODE even where the server allows plain reads that take no
     * row locks (MariaDB; see {@link dev.osc.engine.copy.ReadMode}).
     */
    public boolean lockingReads() { return lockingReads; }
    /**
     * Transactions that apply one batch of changes side by side, where a table's rows are
     * independent (its primary key is its only unique key); {@link #AUTO_THREADS}: half the server's CPUs.
     */
    public int applyThreads() { return applyThreads; }

    /** Collects settings; {@link #build()} validates them. Defaults suit a busy production primary. */
    public static final class Builder {
        private ConnectionConfig connection;
        private String database;
        private String table;
        private String alter;
        private Duration cutOverLockWait = Duration.ofSeconds(3);
        private int cutOverAttempts = 5;
        private Duration cutOverBackoff = Duration.ofSeconds(1);
        // 100 ms rather than 500: the same copy speed, half the application's p99 (docs/benchmarks.md)
        private Duration chunkTime = Duration.ofMillis(100);
        private int initialChunkRows = 1000;
        private int maxChunkRows = 50_000;
        private int checksumRounds = 3;
        private int binlogReconnectAttempts = 5;
        private int applyBatchKeys = 500;
        private java.util.Set<String> accepted = java.util.Set.of();
        private boolean allowInstant = true;
        private int threads = AUTO_THREADS;
        private Duration maxLag = Duration.ofSeconds(1);
        private int maxThreadsRunning = 25;
        private int criticalThreadsRunning = 0;
        private int criticalChecks = 3;
        private Duration throttleInterval = Duration.ofMillis(250);
        private java.nio.file.Path throttleFile;
        private java.util.List<String> replicas = java.util.List.of();
        private boolean discoverReplicas = true;
        private boolean postponeCutOver;
        private String stateSchema = "_osc";
        private int applyBehindKeys = 100_000;
        private IfRunning ifRunning = IfRunning.WAIT;
        private int maxPendingKeys = 1_000_000;
        private Duration revertWindow = Duration.ofMinutes(30);
        private Duration checkpointInterval = Duration.ofSeconds(5);
        private boolean lockingReads;
        private int applyThreads = AUTO_THREADS;

        public Builder connection(ConnectionConfig v) { connection = v; return this; }
        public Builder database(String v) { database = v; return this; }
        public Builder table(String v) { table = v; return this; }
        public Builder alter(String v) { alter = v; return this; }
        public Builder cutOverLockWait(Duration v) { cutOverLockWait = v; return this; }
        public Builder cutOverAttempts(int v) { cutOverAttempts = v; return this; }
        public Builder cutOverBackoff(Duration v) { cutOverBackoff = v; return this; }
        public Builder chunkTime(Duration v) { chunkTime = v; return this; }
        public Builder initialChunkRows(int v) { initialChunkRows = v; return this; }
        public Builder maxChunkRows(int v) { maxChunkRows = v; return this; }
        public Builder checksumRounds(int v) { checksumRounds = v; return this; }
        public Builder binlogReconnectAttempts(int v) { binlogReconnectAttempts = v; return this; }
        public Builder applyBatchKeys(int v) { applyBatchKeys = v; return this; }
        public Builder accepted(java.util.Set<String> v) { accepted = v; return this; }
        public Builder allowInstant(boolean v) { allowInstant = v; return this; }
        public Builder threads(int v) { threads = v; return this; }
        public Builder maxLag(Duration v) { maxLag = v; return this; }
        public Builder maxThreadsRunning(int v) { maxThreadsRunning = v; return this; }
        public Builder criticalThreadsRunning(int v) { criticalThreadsRunning = v; return this; }
        public Builder criticalChecks(int v) { criticalChecks = v; return this; }
        public Builder throttleInterval(Duration v) { throttleInterval = v; return this; }
        public Builder throttleFile(java.nio.file.Path v) { throttleFile = v; return this; }
        public Builder replicas(java.util.List<String> v) { replicas = v; return this; }
        public Builder discoverReplicas(boolean v) { discoverReplicas = v; return this; }
        public Builder postponeCutOver(boolean v) { postponeCutOver = v; return this; }
        public Builder stateSchema(String v) { stateSchema = v; return this; }
        public Builder applyBehindKeys(int v) { applyBehindKeys = v; return this; }
        public Builder ifRunning(IfRunning v) { ifRunning = v; return this; }
        public Builder maxPendingKeys(int v) { maxPendingKeys = v; return this; }
        public Builder revertWindow(Duration v) { revertWindow = v; return this; }
        public Builder checkpointInterval(Duration v) { checkpointInterval = v; return this; }
        public Builder lockingReads(boolean v) { lockingReads = v; return this; }
        public Builder applyThreads(int v) { applyThreads = v; return this; }

        public MigrationConfig build() {
            return new MigrationConfig(this);
        }
    }
}
