package dev.osc.benchmarks;

import dev.osc.engine.alter.AlterParser;
import dev.osc.engine.alter.ColumnMapping;
import dev.osc.engine.inspect.TableInfo;
import dev.osc.engine.copy.ChunkSizer;
import dev.osc.engine.copy.CopyStatements;
import dev.osc.engine.copy.ReadMode;
import dev.osc.engine.db.BinlogPosition;
import dev.osc.engine.inspect.Column;
import dev.osc.engine.key.KeyColumn;
import dev.osc.engine.key.PrimaryKey;
import dev.osc.engine.key.RowKey;
import dev.osc.engine.repl.ChangeSet;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The per-change and per-chunk work osc does outside the server: decoding a changed row's key from
 * a binlog row, de-duplicating keys in the change set, building the applier's and the copy's
 * statements, and sizing the next chunk. Each
 * benchmark handles one transaction of {@link #KEYS} keys, so the score reads as keys per
 * microsecond times {@link #KEYS}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class HotPathBenchmarks {
    static final int KEYS = 1000;

    private KeyColumn intKey;
    private KeyColumn textKey;
    private KeyColumn timeKey;
    private PrimaryKey composite;
    private Serializable[] ints;
    private Serializable[] texts;
    private Serializable[] times;
    private List<RowKey> withRepeats;
    private CopyStatements statements;
    private static final BinlogPosition END = new BinlogPosition("binlog.000007", 123_456_789L);
    private static final Duration TARGET = Duration.ofMillis(500);
    private static final Duration[] CHUNK_TIMES = {Duration.ofMillis(310), Duration.ofMillis(505), Duration.ofMillis(780),
            Duration.ofMillis(120), Duration.ofMillis(499), Duration.ofMillis(2400), Duration.ofMillis(520), Duration.ofMillis(450)};

    private static Column column(String name, String type, String columnType, String charset, String collation) {
        return new Column(name, 1, type, columnType, charset, collation, false, false, 0, null, false);
    }

    @Setup
    public void setUp() {
        Column id = column("id", "bigint", "bigint(20) unsigned", null, null);
        Column code = column("code", "varchar", "varchar(32)", "utf8mb4", "utf8mb4_general_ci");
        Column at = column("at", "datetime", "datetime(6)", null, null);
        intKey = new KeyColumn(id, id);
        textKey = new KeyColumn(code, code);
        timeKey = new KeyColumn(at, at);
        composite = new PrimaryKey(List.of(intKey, textKey));
        Column label = column("label", "varchar", "varchar(64)", "utf8mb4", "utf8mb4_general_ci");
        TableInfo orders = new TableInfo("shop", "orders", "InnoDB", List.of(id, code, label), List.of("id", "code"), false,
                0, 0, 0);
        ColumnMapping mapping = ColumnMapping.build(orders, orders, AlterParser.parse("ADD INDEX l (label)", "shop", "orders"));
        statements = new CopyStatements("shop", "orders", "orders_osc_new", mapping, composite, true, ReadMode.CONSISTENT);
        ints = new Serializable[KEYS];
        texts = new Serializable[KEYS];
        times = new Serializable[KEYS];
        withRepeats = new ArrayList<>();
        for (int i = 0; i < KEYS; i++) {
            ints[i] = i % 7 == 0 ? -1L - i : (long) i * 1_000_003L;
            texts[i] = ("code-" + i).getBytes(StandardCharsets.UTF_8);
            times[i] = 1_700_000_000_000_000L + i * 1_000_001L;
            // a hot row updated again and again: a third of the keys repeat earlier ones
            withRepeats.add(new RowKey((long) (i % 3 == 0 ? i / 3 : i)));
        }
    }

    /** Decoding the key of each changed row of a transaction (unsigned BIGINT). */
    @Benchmark
    public Object decodeIntegerKeys() {
        Object last = null;
        for (Serializable v : ints) {
            last = new RowKey(intKey.fromBinlog(v));
        }
        return last;
    }

    /** Decoding VARCHAR keys (raw bytes, hashed by content). */
    @Benchmark
    public Object decodeTextKeys() {
        Object last = null;
        for (Serializable v : texts) {
            last = new RowKey(textKey.fromBinlog(v));
        }
        return last;
    }

    /** Decoding DATETIME(6) keys (microseconds to text). */
    @Benchmark
    public Object decodeTemporalKeys() {
        Object last = null;
        for (Serializable v : times) {
            last = new RowKey(timeKey.fromBinlog(v));
        }
        return last;
    }

    /** Handing a transaction's keys to the change set and taking them out, repeats folded. */
    @Benchmark
    public int deduplicateAndDrain() {
        ChangeSet set = new ChangeSet();
        set.addCommitted(withRepeats, 1_700_000_000_000L, END, false);
        return set.take(Integer.MAX_VALUE).keys().size();
    }

    /** Building the query that sorts a batch of 500 composite keys into the copy's watermark bands. */
    @Benchmark
    public int buildBandsQuery() {
        return composite.bands(500, false, false).sql().length();
    }

    /** The next chunk's size from the last chunk's time, for each chunk of a 1M-row copy at 1,000 rows. */
    @Benchmark
    public int nextChunkSizes() {
        ChunkSizer size = new ChunkSizer(1000, 50_000);
        int sum = 0;
        for (int i = 0; i < KEYS; i++) {
            size.tookFor(CHUNK_TIMES[i & 7], TARGET);
            sum += size.rows();
        }
        return sum;
    }

    /** Building the next chunk boundary's query (the row {@code n} rows after the last) on a composite key. */
    @Benchmark
    public int buildBoundaryQuery() {
        return statements.boundary(false).length();
    }

    /** Building the applier's IN-list predicate for a batch of 500 composite keys. */
    @Benchmark
    public int buildCompositeInPredicate() {
        return composite.in(true, 500).sql().length();
    }

    /** Building the chunk range predicates (key &gt; lower AND key &lt;= upper) on a composite key. */
    @Benchmark
    public int buildRangePredicates() {
        return composite.greaterThan(false).sql().length() + composite.atMost(false).sql().length();
    }
}
