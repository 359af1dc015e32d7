package dev.osc.engine.checksum;

import dev.osc.engine.alter.ColumnMapping;
import dev.osc.engine.copy.CopyStatements;
import dev.osc.engine.copy.KeyRange;
import dev.osc.engine.copy.RowCopier;
import dev.osc.engine.db.Sql;
import dev.osc.engine.key.PrimaryKey;
import dev.osc.engine.key.RowKey;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Compares the source and shadow tables chunk by chunk: row count plus two XORs of row
 * hashes per key range ({@link ChecksumExpressions.RangeSum}). It runs on connections that opened their consistent snapshots while both
 * tables were known to be equal (see the migration's checksum phase), so concurrent writes do not
 * show up as differences.
 */
public final class Checksummer {
    private final String source;
    private final String shadow;
    private final PrimaryKey key;
    private final RowCopier boundaries;
    private final int chunkRows;
    private final String sourceRow;
    private final String shadowRow;
    private final ChecksumExpressions.RangeSum rangeSum;
    private final AtomicLong rowsChecked = new AtomicLong();

    /** The {@code index}-th range in key order, whose two sides differ, with what each side had. */
    public record Difference(int index, KeyRange range, long sourceRows, long shadowRows) {
    }

    public Checksummer(String database, String sourceTable, String shadowTable, ColumnMapping mapping,
                       CopyStatements statements, int chunkRows, ChecksumExpressions.RangeSum rangeSum) {
        this.source = Sql.quote(database, sourceTable);
        this.shadow = Sql.quote(database, shadowTable);
        this.key = statements.key();
        this.boundaries = new RowCopier(statements);
        this.chunkRows = chunkRows;
        this.sourceRow = ChecksumExpressions.rowValue(mapping, false);
        this.shadowRow = ChecksumExpressions.rowValue(mapping, true);
        this.rangeSum = rangeSum;
    }

    public long rowsChecked() {
        return rowsChecked.get();
    }

    /**
     * Checksums every range, spreading them over the given snapshot connections, and returns the
     * ranges that differ, in key order. Each worker cuts its next range itself, so the boundary
     * queries overlap with the other workers' sums; the snapshots were opened at the same moment,
     * so any of them cuts the same ranges.
     */
    public List<Difference> compare(List<Connection> snapshots) throws Exception {
        Cutter cutter = new Cutter();
        List<Difference> differences = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(snapshots.size(), r -> {
            Thread t = new Thread(r, "osc-checksum");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (Connection c : snapshots) {
                futures.add(pool.submit(() -> {
                    for (Cutter.Numbered n = cutter.next(c); n != null; n = cutter.next(c)) {
                        KeyRange r = n.range();
                        long[] a = sum(c, source, sourceRow, r, false);
                        long[] b = sum(c, shadow, shadowRow, r, true);
                        rowsChecked.addAndGet(a[0]);
                        if (a[0] != b[0] || a[1] != b[1] || a[2] != b[2]) {
                            differences.add(new Difference(n.index(), r, a[0], b[0]));
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        List<Difference> sorted = new ArrayList<>(differences);
        sorted.sort(java.util.Comparator.comparingInt(Difference::index));
        return sorted;
    }

    /** Cuts consecutive ranges of about {@link #chunkRows} rows, one at a time, for whichever worker asks. */
    private final class Cutter {
        record Numbered(int index, KeyRange range) {
        }

        private RowKey lower;
        private int next;
        private boolean done;

        synchronized Numbered next(Connection c) throws SQLException {
            if (done) {
                return null;
            }
            RowKey upper = boundaries.boundaryAfter(c, lower, chunkRows);
            Numbered n = new Numbered(next++, new KeyRange(lower, upper));
            lower = upper;
            done = upper == null;
            return n;
        }
    }

    private long[] sum(Connection c, String table, String row, KeyRange r, boolean onTarget) throws SQLException {
        String sql = "SELECT " + rangeSum.selectList(row) + " FROM " + table + " WHERE " + r.where(key, onTarget);
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            r.bind(key, onTarget, ps, 1);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new long[] {rs.getLong(1), rs.getBigDecimal(2).longValue(), rs.getBigDecimal(3).longValue()};
            }
        }
    }
}
