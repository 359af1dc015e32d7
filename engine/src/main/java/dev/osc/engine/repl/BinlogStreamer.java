package dev.osc.engine.repl;

import com.github.shyiko.mysql.binlog.BinaryLogClient;
import com.github.shyiko.mysql.binlog.event.DeleteRowsEventData;
import com.github.shyiko.mysql.binlog.event.Event;
import com.github.shyiko.mysql.binlog.event.EventHeaderV4;
import com.github.shyiko.mysql.binlog.event.EventType;
import com.github.shyiko.mysql.binlog.event.QueryEventData;
import com.github.shyiko.mysql.binlog.event.RotateEventData;
import com.github.shyiko.mysql.binlog.event.TableMapEventData;
import com.github.shyiko.mysql.binlog.event.UpdateRowsEventData;
import com.github.shyiko.mysql.binlog.event.WriteRowsEventData;
import com.github.shyiko.mysql.binlog.event.deserialization.EventDeserializer;
import dev.osc.engine.ConnectionConfig;
import dev.osc.engine.OscException;
import dev.osc.engine.db.BinlogPosition;
import dev.osc.engine.inspect.TableInfo;
import dev.osc.engine.key.KeyColumn;
import dev.osc.engine.key.PrimaryKey;
import dev.osc.engine.key.RowKey;
import net.sf.jsqlparser.util.TablesNamesFinder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * Follows the primary's binary log and hands the primary keys of every row changed in the
 * source table to a {@link ChangeSet}. Only keys are decoded: the applier re-reads rows from the
 * source, so column values never have to survive binlog decoding.
 *
 * <p>A cut connection is re-established from the last transaction boundary; replaying a few
 * events twice is harmless because applying a key is idempotent.
 */
public final class BinlogStreamer implements AutoCloseable, dev.osc.engine.cutover.CutOver.Stream,
        dev.osc.engine.db.CommitHorizon.Witness {
    private static final Logger log = LoggerFactory.getLogger(BinlogStreamer.class);
    /** XA END, COMMIT or ROLLBACK of a transaction and its XID as the binlog spells it. */
    private static final Pattern XA_STEP = Pattern.compile("\\s*XA\\s+(END|COMMIT|ROLLBACK)\\s+(.*?)\\s*;?\\s*",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    /** How to fix a run stopped by changes logged as SQL text. */
    private static final String LOG_ROWS = " Make every session log rows (SET GLOBAL binlog_format=ROW, then reconnect the"
            + " application's sessions: a session keeps the format it started with) and run osc again";

    /**
     * The binlog client logs through java.util.logging; its records go to SLF4J so they follow the
     * application's logging setup instead of printing to stderr. Held here because JUL keeps
     * loggers only weakly, and a collected logger would lose this setting.
     */
    private static final java.util.logging.Logger CLIENT_LOG = java.util.logging.Logger.getLogger("com.github.shyiko.mysql.binlog");

    static {
        CLIENT_LOG.setUseParentHandlers(false);
        CLIENT_LOG.addHandler(new org.slf4j.bridge.SLF4JBridgeHandler());
    }

    private final ConnectionConfig connection;
    private final TableInfo source;
    private final PrimaryKey key;
    private final ChangeSet sink;
    private final int reconnectAttempts;
    private final Pattern mentionsTable;
    private final Map<Long, int[]> keyIndexesByTableId = new ConcurrentHashMap<>();
    /** Keys of the transaction being read; only the binlog client's thread touches it. */
    private final java.util.List<RowKey> transaction = new java.util.ArrayList<>();
    /**
     * XA transactions on the source that are prepared (in the binlog) and not yet committed, by
     * XID: their keys wait for the XA COMMIT, and where following the binlog again must begin not
     * to lose them.
     */
    private final Map<String, Prepared> prepared = new ConcurrentHashMap<>();

    private record Prepared(java.util.List<RowKey> keys, BinlogPosition from) {
    }

    /** Where the transactions read so far end: what a horizon the server reports must be. */
    private final TransactionEnds ends = new TransactionEnds();
    private final long serverId = ThreadLocalRandom.current().nextLong(100_000, Integer.MAX_VALUE);

    private volatile BinaryLogClient client;
    private volatile String file;
    private volatile BinlogPosition position;
    private volatile BinlogPosition safePosition;
    private volatile Throwable failure;
    private volatile boolean closed;
    /** osc's own RENAME of the cut-over (or the revert's), exactly as sent; null before the cut-over. */
    private volatile String ownSwap;
    private volatile boolean ownSwapSeen;
    /** osc's RENAME of an earlier swap that the stream starts before (a revert), or null. */
    private volatile String awaitedSwap;
    private volatile boolean swapSeen;
    private volatile long lastEventMillis = System.currentTimeMillis();
    private final AtomicLong reconnects = new AtomicLong();
    private final Object progress = new Object();

    public BinlogStreamer(ConnectionConfig connection, TableInfo source, PrimaryKey key, ChangeSet sink,
                          int reconnectAttempts) {
        this.connection = connection;
        this.source = source;
        this.key = key;
        this.sink = sink;
        this.reconnectAttempts = reconnectAttempts;
        this.mentionsTable = Pattern.compile("(^|[\\s.,`\"(])" + Pattern.quote(source.name()) + "($|[\\s.,`\";(])",
                Pattern.CASE_INSENSITIVE);
    }

    /** Connects and starts following from {@code from}; returns once the stream is connected. */
    public void start(BinlogPosition from) {
        this.file = from.file();
        this.position = from;
        this.safePosition = from;
        connect(from);
    }

    /** Row events of tables other than the source are not decoded (see {@link ForeignRowsSkipper}). */
    private void skipForeignRows(EventDeserializer d) {
        java.util.function.LongPredicate followed = keyIndexesByTableId::containsKey;
        for (EventType t : new EventType[] {EventType.WRITE_ROWS, EventType.EXT_WRITE_ROWS}) {
            d.setEventDataDeserializer(t, ForeignRowsSkipper.writes(d.getEventDataDeserializer(t), followed));
        }
        for (EventType t : new EventType[] {EventType.UPDATE_ROWS, EventType.EXT_UPDATE_ROWS}) {
            d.setEventDataDeserializer(t, ForeignRowsSkipper.updates(d.getEventDataDeserializer(t), followed));
        }
        for (EventType t : new EventType[] {EventType.DELETE_ROWS, EventType.EXT_DELETE_ROWS}) {
            d.setEventDataDeserializer(t, ForeignRowsSkipper.deletes(d.getEventDataDeserializer(t), followed));
        }
    }

    private void connect(BinlogPosition from) {
        BinaryLogClient c = new BinaryLogClient(connection.host(), connection.port(), connection.user(), connection.password());
        c.setServerId(serverId);
        c.setBinlogFilename(from.file());
        c.setBinlogPosition(from.position());
        c.setKeepAlive(false);
        // the server then sends a heartbeat every second while the binlog is idle: a connection
        // killed or cut on the server's side is noticed within a second even when nothing is written
        c.setHeartbeatInterval(1000);
        EventDeserializer deserializer = new EventDeserializer();
        deserializer.setCompatibilityMode(EventDeserializer.CompatibilityMode.DATE_AND_TIME_AS_LONG_MICRO,
                EventDeserializer.CompatibilityMode.CHAR_AND_BINARY_AS_BYTE_ARRAY,
                EventDeserializer.CompatibilityMode.INVALID_DATE_AND_TIME_AS_NEGATIVE_ONE);
        skipForeignRows(deserializer);
        c.setEventDeserializer(deserializer);
        c.registerEventListener(this::onEvent);
        c.registerLifecycleListener(new BinaryLogClient.AbstractLifecycleListener() {
            @Override
            public void onEventDeserializationFailure(BinaryLogClient client, Exception e) {
                // the library skips an event it cannot decode; a skipped row event is a lost change
                fail(new OscException(OscException.Kind.FAILED, "an event in the binary log could not be decoded ("
                        + e.getMessage() + "); osc stops rather than miss a change", e));
            }
        });
        c.registerLifecycleListener(new BinaryLogClient.AbstractLifecycleListener() {
            @Override
            public void onDisconnect(BinaryLogClient disconnected) {
                if (disconnected == client && !closed && failure == null) {
                    Thread t = new Thread(BinlogStreamer.this::reconnect, "osc-binlog-reconnect");
                    t.setDaemon(true);
                    t.start();
                }
            }
        });
        this.client = c;
        try {
            c.connect(Duration.ofSeconds(15).toMillis());
        } catch (Exception e) {
            throw OscException.server("cannot follow the binary log of " + connection.describe() + " from " + from + ": "
                    + e.getMessage() + " (osc needs REPLICATION SLAVE and, on MariaDB, BINLOG MONITOR)", e);
        }
    }

    private void reconnect() {
        for (int attempt = 1; attempt <= reconnectAttempts && !closed; attempt++) {
            BinlogPosition from = safePosition;
            log.warn("binlog connection lost; reconnecting from {} (attempt {} of {})", from, attempt, reconnectAttempts);
            try {
                Thread.sleep(Math.min(5000, 200L << Math.min(attempt, 5)));
                if (closed) {
                    return;
                }
                transaction.clear();
                file = from.file();
                connect(from);
                reconnects.incrementAndGet();
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (RuntimeException e) {
                log.warn("binlog reconnect failed: {}", e.getMessage());
            }
        }
        if (!closed) {
            fail(new OscException(OscException.Kind.FAILED, "the binary log connection was lost and could not be re-established"
                    + " after " + reconnectAttempts + " attempts"));
        }
    }

    private void onEvent(Event event) {
        if (failure != null || closed) {
            return;
        }
        try {
            handle(event);
        } catch (RuntimeException e) {
            fail(e);
        }
    }

    private void handle(Event event) {
        EventHeaderV4 header = event.getHeader();
        EventType type = header.getEventType();
        switch (type) {
            case ROTATE -> {
                RotateEventData r = event.getData();
                file = r.getBinlogFilename();
                advance(new BinlogPosition(file, r.getBinlogPosition()));
                return;
            }
            case HEARTBEAT -> {
                return;
            }
            case TABLE_MAP -> onTableMap(event.getData());
            case WRITE_ROWS, EXT_WRITE_ROWS -> {
                WriteRowsEventData d = event.getData();
                int[] idx = keyIndexesByTableId.get(d.getTableId());
                if (idx != null) {
                    d.getRows().forEach(row -> transaction.add(keyOf(row, idx)));
                }
            }
            case UPDATE_ROWS, EXT_UPDATE_ROWS -> {
                UpdateRowsEventData d = event.getData();
                int[] idx = keyIndexesByTableId.get(d.getTableId());
                if (idx != null) {
                    for (Map.Entry<Serializable[], Serializable[]> row : d.getRows()) {
                        RowKey before = keyOf(row.getKey(), idx);
                        RowKey after = keyOf(row.getValue(), idx);
                        transaction.add(before);
                        if (!after.equals(before)) {
                            transaction.add(after);
                        }
                    }
                }
            }
            case DELETE_ROWS, EXT_DELETE_ROWS -> {
                DeleteRowsEventData d = event.getData();
                int[] idx = keyIndexesByTableId.get(d.getTableId());
                if (idx != null) {
                    d.getRows().forEach(row -> transaction.add(keyOf(row, idx)));
                }
            }
            case QUERY -> onQuery(event.getData(), header);
            case XID, XA_PREPARE -> markSafe(header);
            case BEGIN_LOAD_QUERY, EXECUTE_LOAD_QUERY, APPEND_BLOCK, CREATE_FILE, EXEC_LOAD, NEW_LOAD, LOAD ->
                    throw new OscException(OscException.Kind.FAILED, "a LOAD DATA statement reached the binary log as"
                            + " SQL text (" + type + ") while osc was following the changes of " + source.name()
                            + " (a session whose binlog_format is STATEMENT), and the binary log does not say which rows"
                            + " it changed." + LOG_ROWS);
            default -> {
                // compressed row events (MariaDB log_bin_compress) or transaction payloads (MySQL
                // binlog_transaction_compression) would carry changes osc cannot read: never skip them
                String name = type.name();
                if ((name.contains("ROWS") && !name.equals("ANNOTATE_ROWS")) || name.contains("PAYLOAD")
                        || name.contains("COMPRESSED")) {
                    throw new OscException(OscException.Kind.FAILED, "the binary log holds a " + name
                            + " event, which osc cannot read; turn binlog compression off for the migration");
                }
            }
        }
        if (header.getTimestamp() > 0) {
            lastEventMillis = header.getTimestamp();
        }
        if (header.getNextPosition() > 0 && file != null) {
            advance(new BinlogPosition(file, header.getNextPosition()));
        }
    }

    private void onTableMap(TableMapEventData d) {
        // case-insensitively: with lower_case_table_names the binlog spells names in lower case; a
        // same-named table in another letter case would only add harmless re-reads
        if (!source.database().equalsIgnoreCase(d.getDatabase()) || !source.name().equalsIgnoreCase(d.getTable())) {
            return;
        }
        List<String> names = d.getEventMetadata() == null ? null : d.getEventMetadata().getColumnNames();
        if (names == null || names.isEmpty()) {
            throw new OscException(OscException.Kind.SERVER, "the binary log carries no column names:"
                    + " set binlog_row_metadata=FULL (SET GLOBAL binlog_row_metadata=FULL and in the server's config)");
        }
        List<String> expected = source.columns().stream().map(c -> c.name().toLowerCase(Locale.ROOT)).toList();
        List<String> seen = names.stream().map(n -> n.toLowerCase(Locale.ROOT)).toList();
        if (!expected.equals(seen) && !ownSwapSeen) {
            if (awaitedSwap != null && !swapSeen) {
                // logged before the swap under the earlier definition: rows of the table swapped out
                keyIndexesByTableId.remove(d.getTableId());
                return;
            }
            throw new OscException(OscException.Kind.FAILED, "the columns of " + source.name()
                    + " changed while osc was migrating it (another ALTER ran?): now " + names);
        }
        int[] idx = new int[key.size()];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = seen.indexOf(key.columns().get(i).source().name().toLowerCase(Locale.ROOT));
        }
        keyIndexesByTableId.put(d.getTableId(), idx);
    }

    private RowKey keyOf(Serializable[] row, int[] idx) {
        Object[] values = new Object[idx.length];
        for (int i = 0; i < idx.length; i++) {
            KeyColumn c = key.columns().get(i);
            values[i] = c.fromBinlog(row[idx[i]]);
        }
        RowKey k = new RowKey(values);
        if (log.isTraceEnabled()) {
            log.trace("changed key {} at {}", k, file + ":" + position);
        }
        return k;
    }

    private void onQuery(QueryEventData q, EventHeaderV4 header) {
        String sql = q.getSql();
        java.util.regex.Matcher xa = sql == null ? null : XA_STEP.matcher(sql);
        if (xa != null && xa.matches()) {
            onXaStep(xa.group(1).toUpperCase(Locale.ROOT), xa.group(2).replaceAll("\\s+", " "), header);
            return;
        }
        LoggedStatement kind = sql == null ? LoggedStatement.END : LoggedStatement.of(sql);
        switch (kind) {
            case BEGIN, END -> {
                markSafe(header);
                return;
            }
            case SAVEPOINT -> {
                // the transaction goes on: its keys so far are handed over at its end, with the rest
                // (in an XA transaction, at its XA COMMIT)
                return;
            }
            case DML -> throw new OscException(OscException.Kind.FAILED, "DML reached the binary log as SQL text while"
                    + " osc was following the changes of " + source.name() + " (a session whose binlog_format is STATEMENT"
                    + " or MIXED): it may change " + source.name() + ", directly or through a view, a trigger or a function,"
                    + " and the binary log does not say which rows it changed." + LOG_ROWS + ": "
                    + (sql.length() > 200 ? sql.substring(0, 200) + "..." : sql));
            default -> {
                // a schema change or an administrative statement: see below
            }
        }
        if (awaitedSwap != null && !swapSeen && awaitedSwap.equals(sql.strip())) {
            swapSeen = true;
            markSafe(header);
            return;
        }
        // Any other statement naming the table is a schema change by someone else: osc cannot follow
        // the table through it.
        String database = q.getDatabase() == null ? "" : q.getDatabase();
        if (ownSwap != null && ownSwap.equals(sql.strip())) {
            // from here on the name is the new table's; nothing after the swap is followed
            ownSwapSeen = true;
            markSafe(header);
            return;
        }
        if (!ownSwapSeen && namesSource(sql, database)) {
            throw new OscException(OscException.Kind.FAILED, "a statement on " + source.name()
                    + " reached the binary log as SQL text while osc was migrating it (a schema change), so osc cannot"
                    + " tell which rows it changed: "
                    + (sql.length() > 200 ? sql.substring(0, 200) + "..." : sql));
        }
        markSafe(header);
    }

    /**
     * Whether the statement names the source table. JSqlParser finds the tables a statement names
     * (so {@code ALTER TABLE customers ADD COLUMN orders INT} does not stop a migration of
     * {@code orders}); what it cannot parse falls back to a whole-word match, which errs on the
     * side of stopping.
     */
    private boolean namesSource(String sql, String defaultDatabase) {
        try {
            for (String name : changedTables(sql)) {
                String[] parts = name.replace("`", "").replace("\"", "").split("\\.");
                String table = parts[parts.length - 1];
                String database = parts.length > 1 ? parts[parts.length - 2] : defaultDatabase;
                if (table.equalsIgnoreCase(source.name())
                        && (database.isEmpty() || database.equalsIgnoreCase(source.database()))) {
                    return true;
                }
            }
            return false;
        } catch (Exception unparsable) {
            return mentionsTable.matcher(sql).find() && (defaultDatabase.isEmpty()
                    || defaultDatabase.equalsIgnoreCase(source.database())
                    || sql.toLowerCase(Locale.ROOT).contains(source.database().toLowerCase(Locale.ROOT)));
        }
    }

    /**
     * The tables a statement may change. {@code CREATE TABLE x LIKE t} and {@code INSERT INTO x
     * SELECT ... FROM t} only read {@code t} (osc's own planner creates such a probe table while
     * another run migrates {@code t}); any other statement counts every table it names.
     */
    private static java.util.Set<String> changedTables(String sql) throws Exception {
        net.sf.jsqlparser.statement.Statement statement = net.sf.jsqlparser.parser.CCJSqlParserUtil.parse(sql);
        if (statement instanceof net.sf.jsqlparser.statement.create.table.CreateTable create) {
            return java.util.Set.of(create.getTable().getFullyQualifiedName());
        }
        if (statement instanceof net.sf.jsqlparser.statement.insert.Insert insert) {
            return java.util.Set.of(insert.getTable().getFullyQualifiedName());
        }
        return TablesNamesFinder.findTables(sql);
    }

    /**
     * An XA transaction's rows are in the binlog from its XA PREPARE on (MariaDB 10.5+, MySQL
     * 5.7+), but they are committed, or rolled back, only by the later XA COMMIT or XA ROLLBACK
     * of its XID. So its keys are held until the XA COMMIT hands them over, marked as XA keys (the
     * engine makes such a commit visible after its binlog event); a rollback drops them. Following
     * the binlog again after a crash must begin before a held transaction (see
     * {@link #resumePosition}).
     */
    private void onXaStep(String step, String xid, EventHeaderV4 header) {
        switch (step) {
            case "END" -> {
                if (!transaction.isEmpty()) {
                    prepared.put(xid, new Prepared(java.util.List.copyOf(transaction), safePosition));
                    transaction.clear();
                }
            }
            case "COMMIT" -> {
                // an XID the stream never saw prepared a transaction before the stream began; the
                // run saw none prepared then (XA RECOVER) or reads with locks
                Prepared p = prepared.remove(xid);
                if (p != null) {
                    sink.addCommitted(p.keys(), header.getTimestamp() > 0 ? header.getTimestamp() : System.currentTimeMillis(),
                            endOf(header), true);
                }
            }
            default -> prepared.remove(xid);
        }
        markSafe(header);
    }

    /**
     * A transaction ended: its keys become visible to the applier all at once. Handing over half a
     * transaction would let the applier re-read one row of a unique-value swap without the other,
     * and collide with the other's stale copy in the shadow table.
     */
    private void markSafe(EventHeaderV4 header) {
        if (!transaction.isEmpty()) {
            // the commit's own timestamp (whole seconds): how old a change is when it is applied
            sink.addCommitted(transaction, header.getTimestamp() > 0 ? header.getTimestamp() : System.currentTimeMillis(),
                    endOf(header), false);
            transaction.clear();
        }
        BinlogPosition end = endOf(header);
        if (end != null) {
            safePosition = end;
            ends.add(end);
        }
    }

    /** Where the event ends in the binlog, or null when the header does not say. */
    private BinlogPosition endOf(EventHeaderV4 header) {
        return header.getNextPosition() > 0 && file != null ? new BinlogPosition(file, header.getNextPosition()) : null;
    }

    private void advance(BinlogPosition p) {
        synchronized (progress) {
            if (position == null || p.compareTo(position) > 0) {
                position = p;
            }
            progress.notifyAll();
        }
    }

    private void fail(Throwable t) {
        if (failure == null) {
            failure = t;
            log.debug("binlog stream failed", t);
        }
        synchronized (progress) {
            progress.notifyAll();
        }
    }

    /**
     * Where following the binlog again misses nothing: the end of the last whole transaction handed
     * over (the keys of every transaction before it are in the change set, or already taken from
     * it), or the start of the oldest XA transaction still prepared, whose keys are only held here.
     */
    public BinlogPosition resumePosition() {
        BinlogPosition at = safePosition;
        for (Prepared p : prepared.values()) {
            if (p.from() != null && p.from().compareTo(at) < 0) {
                at = p.from();
            }
        }
        return at;
    }

    @Override
    public boolean isCommitEnd(BinlogPosition p) {
        return ends.isOnlyEndIn(p);
    }

    /** XA transactions that changed the table, are prepared and are not yet committed or rolled back. */
    @Override
    public int preparedTransactions() {
        return prepared.size();
    }

    @Override
    public BinlogPosition position() {
        return position;
    }

    /** Timestamp (ms) of the last event received. */
    public long lastEventMillis() {
        return lastEventMillis;
    }

    public long reconnects() {
        return reconnects.get();
    }

    /** Throws the stream's failure, if it failed. */
    public void checkHealthy() {
        Throwable f = failure;
        if (f instanceof OscException oe) {
            throw new OscException(oe.kind(), oe.getMessage(), oe);
        }
        if (f != null) {
            throw OscException.failed("following the binary log failed: " + f.getMessage(), f);
        }
    }

    /** Waits until every event before {@code target} has been handled; fails the run on timeout. */
    public void awaitPosition(BinlogPosition target, Duration timeout) throws InterruptedException {
        if (!reachedWithin(target, timeout)) {
            throw OscException.failed("the binary log stream did not reach " + target + " within " + timeout.toMillis()
                    + " ms (it is at " + position + ")", null);
        }
    }

    /** Waits until every event before {@code target} has been handled; false when the time ran out. */
    @Override
    public boolean reachedWithin(BinlogPosition target, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (progress) {
            while (position == null || !position.isAtOrAfter(target)) {
                checkHealthy();
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                progress.wait(Math.max(1, Math.min(left / 1_000_000, 200)));
            }
        }
        checkHealthy();
        return true;
    }

    /**
     * For following a table from an earlier osc swap on (a revert starts at that swap's binlog
     * position): until osc's own {@code renameStatement} of that swap has passed, rows of the table
     * logged under another definition belong to the table that was swapped out, and are not
     * followed; the RENAME itself is not a foreign schema change. Call before {@link #start}.
     */
    public void startsBeforeSwap(String renameStatement) {
        this.awaitedSwap = renameStatement;
    }

    /** Whether the swap named by {@link #startsBeforeSwap} has passed in the stream. */
    public boolean swapSeen() {
        return swapSeen;
    }

    /**
     * From the cut-over on, osc's own {@code renameStatement} may appear in the stream: that one is
     * not a foreign schema change. Any other statement naming the table still stops the run (a
     * TRUNCATE between two cut-over attempts would otherwise be undone by the swap).
     */
    public void expectOwnSwap(String renameStatement) {
        this.ownSwap = renameStatement;
    }

    @Override
    public void close() {
        closed = true;
        BinaryLogClient c = client;
        if (c != null) {
            try {
                c.disconnect();
            } catch (Exception e) {
                log.debug("binlog disconnect", e);
            }
        }
    }
}
