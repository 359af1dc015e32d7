package dev.osc.engine.revert;

import dev.osc.engine.OscException;
import dev.osc.engine.alter.AlterParser;
import dev.osc.engine.alter.AlterSpec;
import dev.osc.engine.alter.ColumnMapping;
import dev.osc.engine.check.BinlogSettingsCheck;
import dev.osc.engine.check.CheckContext;
import dev.osc.engine.check.Preflight;
import dev.osc.engine.check.PrivilegesCheck;
import dev.osc.engine.cutover.CutOver;
import dev.osc.engine.cutover.TableNames;
import dev.osc.engine.db.BinlogPosition;
import dev.osc.engine.db.Queries;
import dev.osc.engine.db.ServerInfo;
import dev.osc.engine.db.Sql;
import dev.osc.engine.inspect.Inspector;
import dev.osc.engine.inspect.TableInfo;
import dev.osc.engine.key.PrimaryKey;
import dev.osc.engine.state.MigrationRecord;
import dev.osc.engine.state.Outcome;
import dev.osc.engine.state.StateStore;
import dev.osc.engine.state.StateStoreException;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Everything a revert must find true before it changes anything: server settings and grants, a
 * recorded cut-over of the table, not reverted yet, within its revert window, its binlog still on
 * the server, and both tables as the swap left them. Each refusal is a {@link OscException.Kind#BAD_INPUT}
 * that names the problem and what to do; it only reads.
 */
final class Preconditions {
    private final Connection c;
    private final StateStore store;
    private final String database;
    private final String table;

    Preconditions(Connection c, StateStore store, String database, String table) {
        this.c = c;
        this.store = store;
        this.database = database;
        this.table = table;
    }

    RevertTarget check() throws SQLException {
        Inspector inspector = new Inspector(c);
        Optional<TableInfo> current = inspector.table(database, table);
        new Preflight(List.of(new BinlogSettingsCheck(), new PrivilegesCheck())).inputProblems(new CheckContext(c,
                ServerInfo.read(c), inspector, database, table, current, TableNames.of(table, LocalDateTime.now())));
        MigrationRecord record = migration();
        if (record.outcome() == Outcome.REVERTED) {
            throw refused("migration " + record.id() + " of " + record.target() + " (" + record.alterText()
                    + ") was already reverted: the table has its old schema again. Nothing was changed");
        }
        requireWithinWindow(record);
        requireBinlog(record.cutoverPosition().orElseThrow());
        if (current.isEmpty()) {
            throw refused("table " + database + "." + table + " does not exist. Check --database and --table; nothing was changed");
        }
        if (record.oldTable() == null || record.shadowTable() == null) {
            throw refused("migration " + record.id() + " recorded no old or shadow table, so osc cannot tell what to swap"
                    + " back; nothing was changed");
        }
        TableInfo old = inspector.table(database, record.oldTable()).orElseThrow(() -> refused("the old table "
                + record.oldTable() + " that migration " + record.id() + " kept is gone (dropped or renamed), so there is"
                + " nothing to swap back. To undo the change, run osc run with the reverse ALTER; nothing was changed"));
        requireNoTriggersOrForeignKeys(inspector, table);
        requireNoTriggersOrForeignKeys(inspector, old.name());
        AlterSpec spec = AlterParser.parse(record.alterText(), database, table);
        String definition = inspector.definition(Sql.quote(database, table));
        requireDefinitionsFromTheSwap(inspector, record, old, spec, definition);
        ColumnMapping back = ColumnMapping.build(old, current.get(), spec).reversed();
        PrimaryKey key = PrimaryKey.of(back);
        TableNames names = TableNames.forRevert(table, old.name(), LocalDateTime.now());
        String swap = CutOver.renameStatement(database, new TableNames(table, record.shadowTable(), record.oldTable()));
        return new RevertTarget(record, current.get(), old, back, key, names, definition, swap);
    }

    private MigrationRecord migration() {
        Optional<MigrationRecord> record;
        try {
            record = store.latestCutOver(database, table);
        } catch (StateStoreException e) {
            throw OscException.server(e.getMessage(), e);
        }
        return record.orElseThrow(() -> refused("no swap of " + database + "." + table + " is recorded in the state schema "
                + store.schema().name() + ": osc revert undoes the swap of an osc run --execute that copied the table"
                + " (a change applied instantly keeps no old table). Check --database, --table and --state-schema;"
                + " nothing was changed"));
    }

    private void requireWithinWindow(MigrationRecord record) throws SQLException {
        Instant now = Queries.string(c, "SELECT CAST(UTC_TIMESTAMP(6) AS CHAR)")
                .map(s -> LocalDateTime.parse(s.replace(' ', 'T')).toInstant(ZoneOffset.UTC)).orElseThrow();
        if (record.revertUntil() == null || !now.isBefore(record.revertUntil())) {
            throw refused("the revert window of migration " + record.id() + " (" + record.alterText() + ") "
                    + (record.revertUntil() == null ? "was not recorded" : "ended at " + record.revertUntil()) + "; the swap was at "
                    + record.cutoverAt() + ". osc reverts only within the window that osc run --revert-window set. To undo"
                    + " the change now, run osc run with the reverse ALTER; nothing was changed");
        }
    }

    /** The binlog from the cut-over on must still be on the server: it is the only record of what changed since. */
    private void requireBinlog(BinlogPosition from) throws SQLException {
        List<String> files = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SHOW BINARY LOGS")) {
            while (rs.next()) {
                files.add(rs.getString(1));
            }
        }
        if (!files.contains(from.file())) {
            throw refused("the binary log file " + from.file() + ", where the changes since the cut-over begin (" + from
                    + "), is no longer on the server (it keeps " + (files.isEmpty() ? "none" : files.get(0) + " and later")
                    + "), so osc cannot tell which rows changed since. Keep binary logs at least as long as the revert"
                    + " window (binlog_expire_logs_seconds or expire_logs_days); to undo the change now, run osc run"
                    + " with the reverse ALTER. Nothing was changed");
        }
    }

    private void requireNoTriggersOrForeignKeys(Inspector inspector, String name) throws SQLException {
        List<String> triggers = inspector.triggers(database, name);
        List<String> from = inspector.foreignKeysFrom(database, name);
        List<String> to = inspector.foreignKeysTo(database, name);
        if (!triggers.isEmpty() || !from.isEmpty() || !to.isEmpty()) {
            throw refused("table " + name + " has " + (triggers.isEmpty() ? "" : "triggers " + triggers + " ")
                    + (from.isEmpty() && to.isEmpty() ? "" : "foreign keys " + from + to)
                    + ", which osc does not carry across a swap. Drop them first, then run osc revert again; nothing was changed");
        }
    }

    /**
     * The migration's ALTER applied to the old table must give the table's definition now, as it did
     * at the swap (on an empty temporary copy). Otherwise one of them changed since, and swapping
     * back would not undo just that migration.
     */
    private void requireDefinitionsFromTheSwap(Inspector inspector, MigrationRecord record, TableInfo old, AlterSpec spec,
                                               String definition) throws SQLException {
        String tmp = Sql.quote(database, TableNames.of(table, LocalDateTime.now()).probe());
        String replayed;
        try {
            Queries.exec(c, "CREATE TEMPORARY TABLE " + tmp + " LIKE " + Sql.quote(database, old.name()));
            Queries.exec(c, "ALTER TABLE " + tmp + " " + spec.clauses());
            replayed = inspector.definition(tmp);
        } catch (SQLException e) {
            replayed = "(the ALTER fails on it: " + e.getMessage() + ")";
        } finally {
            Queries.exec(c, "DROP TEMPORARY TABLE IF EXISTS " + tmp);
        }
        if (!replayed.equals(definition)) {
            throw refused("the definition of " + table + " or of its old table " + old.name() + " changed since the swap of"
                    + " migration " + record.id() + ": its ALTER (" + record.alterText() + ") applied to " + old.name()
                    + " no longer gives " + table + "'s definition. osc reverts only the swap it made; undo the later change"
                    + " first (or revert by hand). Nothing was changed");
        }
    }

    static OscException refused(String message) {
        return OscException.badInput(message);
    }
}
