package dev.osc.engine.cutover;

import dev.osc.engine.db.Queries;
import dev.osc.engine.db.Sql;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;

/**
 * Carries a table's AUTO_INCREMENT counter to the table swapped in for it, under the swap's lock
 * (when the counter is final): otherwise ids the application used and deleted would be handed
 * out again after the swap. (Migration's run does the same for its shadow table.)
 */
public final class AutoIncrement {
    private AutoIncrement() {
    }

    /**
     * Gives {@code to} the counter of {@code from} when that is higher; the larger one wins, since
     * {@code to} may have a higher counter of its own.
     *
     * @param lockHolder a session that holds both tables locked
     */
    public static void carry(Connection lockHolder, String database, String from, String to) throws SQLException {
        // MySQL 8 caches information_schema statistics; ask for the current value
        try {
            Queries.exec(lockHolder, "SET SESSION information_schema_stats_expiry = 0");
        } catch (SQLException notMySql) {
            // MariaDB has no such cache
        }
        Optional<Long> next = counter(lockHolder, database, from);
        Optional<Long> toNext = counter(lockHolder, database, to);
        if (next.isPresent() && next.get() > 1 && (toNext.isEmpty() || next.get() > toNext.get())) {
            Queries.exec(lockHolder, "ALTER TABLE " + Sql.quote(database, to) + " AUTO_INCREMENT = " + next.get());
        }
    }

    /** The table's next AUTO_INCREMENT value; empty when it has no such column. */
    public static Optional<Long> counter(Connection c, String database, String table) throws SQLException {
        return Queries.string(c, "SELECT AUTO_INCREMENT FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?"
                + " AND TABLE_NAME = ?", database, table).map(Long::parseLong);
    }
}
