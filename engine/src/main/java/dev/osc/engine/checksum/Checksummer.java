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
 * Compares the source and shadow tables chunk by chunk: row count plus a 96-bit XOR of row
 * hashes per key range. It runs on connections that opened their consistent snapshots while both
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
    private final AtomicLong rowsChecked = new AtomicLong();

    /** A range whose two sides differ, with what each side had. */
    public record Difference(KeyRange range, long sourceRows, long shadowRows) {
    }

    public Checksummer(String database, String sourceTable, String shadowTable, ColumnMapping mapping,
                       CopyStatements statements, int chunkRows) {
        this.source = Sql.quote(database, sourceTable);
        this.shadow = Sql.quote(database, shadowTable);
        this.key = statements.key();
        this.boundaries = new RowCopier(statements);
        this.chunkRows = chunkRows;
        this.sourceRow = ChecksumExpressions.rowValue(mapping, false);
        this.shadowRow = ChecksumExpressions.rowValue(mapping, true);
    }

    public long rowsChecked() {
        return rowsChecked.get();
    }

    /**
     * Checksums every range, spreading them over the given snapshot connections, and returns the
     * ranges that differ.
     */
    public List<Difference> compare(List<Connection> snapshots) throws Exception {
        List<KeyRange> ranges = ranges(snapshots.get(0));
        List<Difference> differences = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(snapshots.size(), r -> {
            Thread t = new Thread(r, "osc-checksum");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int w = 0; w < snapshots.size(); w++) {
                Connection c = snapshots.get(w);
                int worker = w;
                futures.add(pool.submit(() -> {
                    for (int i = worker; i < ranges.size(); i += snapshots.size()) {
                        KeyRange r = ranges.get(i);
                        long[] a = sum(c, source, sourceRow, r, false);
                        long[] b = sum(c, shadow, shadowRow, r, true);
                        rowsChecked.addAndGet(a[0]);
                        if (a[0] != b[0] || a[1] != b[1] || a[2] != b[2]) {
                            differences.add(new Difference(r, a[0], b[0]));
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
        sorted.sort((x, y) -> Integer.compare(ranges.indexOf(x.range()), ranges.indexOf(y.range())));
        return sorted;
    }

    private List<KeyRange> ranges(Connection c) throws SQLException {
        List<KeyRange> out = new ArrayList<>();
        RowKey lower = null;
        while (true) {
            RowKey upper = boundaries.boundaryAfter(c, lower, chunkRows);
            out.add(new KeyRange(lower, upper));
            if (upper == null) {
                return out;
            }
            lower = upper;
        }
    }

    private long[] sum(Connection c, String table, String row, KeyRange r, boolean onTarget) throws SQLException {
        // 96 bits per range: 64 of each row's MD5 and its CRC32, XORed over the rows. Each
        // function is applied to the row once (a derived column would be evaluated once per use,
        // which made the checksum twice as slow).
        String sql = "SELECT COUNT(*), COALESCE(BIT_XOR(CONV(LEFT(MD5(" + row + "), 16), 16, 10)), 0),"
                + " COALESCE(BIT_XOR(CRC32(" + row + ")), 0)"
                + " FROM " + table + " WHERE " + r.where(key, onTarget);
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            r.bind(key, onTarget, ps, 1);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new long[] {rs.getLong(1), rs.getBigDecimal(2).longValue(), rs.getBigDecimal(3).longValue()};
            }
        }
    }
}
