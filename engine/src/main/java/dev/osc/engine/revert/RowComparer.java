package dev.osc.engine.revert;

import dev.osc.engine.OscException;
import dev.osc.engine.checksum.ChecksumExpressions;
import dev.osc.engine.db.Sql;
import dev.osc.engine.key.PrimaryKey;
import dev.osc.engine.key.RowKey;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Compares rows just carried back with their source, inside the transaction that carried them: a
 * per-row hash over the mapped columns, with converted columns normalised by the old column's type
 * family (as osc's checksum does), so a value that changed on the way back (rounded, cut) shows.
 * The source rows read for the copy are share-locked by that transaction, so they cannot change
 * before it commits.
 */
final class RowComparer {
    private final RevertTarget target;
    private final PrimaryKey key;
    private final PrimaryKey oldKey;
    private final String readCurrent;
    private final String readOld;

    RowComparer(RevertTarget target) {
        this.target = target;
        this.key = target.key();
        this.oldKey = target.oldKey();
        this.readCurrent = "SELECT " + key.selectList() + ", " + ChecksumExpressions.rowHash(target.back(), false) + " FROM "
                + Sql.quote(target.database(), target.current().name()) + " WHERE ";
        this.readOld = "SELECT " + oldKey.selectList() + ", " + ChecksumExpressions.rowHash(target.back(), true) + " FROM "
                + Sql.quote(target.database(), target.old().name()) + " WHERE ";
    }

    /**
     * Compares the rows of {@code keys} in both tables.
     *
     * @return keys whose row the table has but the old table not: it appeared after the copy read
     *         them, and must be carried back again
     * @throws OscException (failed) for rows that differ, naming them
     */
    List<RowKey> compare(Connection c, List<RowKey> keys) throws SQLException {
        Map<RowKey, String> now = hashes(c, readCurrent, key, keys);
        Map<RowKey, String> back = hashes(c, readOld, oldKey, keys);
        List<RowKey> again = new ArrayList<>();
        List<String> differ = new ArrayList<>();
        for (Map.Entry<RowKey, String> e : now.entrySet()) {
            String there = back.get(e.getKey());
            if (there == null) {
                again.add(e.getKey());
            } else if (!there.equals(e.getValue())) {
                differ.add(KeyDisplay.of(e.getKey()));
            }
        }
        for (RowKey k : back.keySet()) {
            if (!now.containsKey(k)) {
                differ.add(KeyDisplay.of(k));
            }
        }
        if (!differ.isEmpty()) {
            throw new OscException(OscException.Kind.FAILED, differ.size() + " row(s) of " + target.current().name()
                    + " did not come out the same in " + target.old().name() + " (" + KeyDisplay.list(differ, differ.size())
                    + "): a value the old column cannot hold unchanged, such as a rounded decimal. osc does not swap;"
                    + " " + target.current().name() + " is intact and serves. Run osc revert without --execute to list"
                    + " the rows that do not fit the old table");
        }
        return again;
    }

    private static Map<RowKey, String> hashes(Connection c, String select, PrimaryKey k, List<RowKey> keys)
            throws SQLException {
        PrimaryKey.Predicate in = k.in(false, keys.size());
        Map<RowKey, String> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(select + in.sql())) {
            k.bindAll(ps, 1, in, keys);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(k.read(rs, 1), rs.getString(k.size() + 1));
                }
            }
        }
        return out;
    }
}
