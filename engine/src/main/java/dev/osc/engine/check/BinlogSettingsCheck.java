package dev.osc.engine.check;

import dev.osc.engine.db.ServerInfo;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The binlog must carry full row images with column names: osc reads changed keys from it and
 * matches columns by name, never by position alone.
 */
public final class BinlogSettingsCheck implements Check {
    @Override
    public List<Problem> run(CheckContext ctx) throws SQLException {
        List<Problem> problems = new ArrayList<>();
        expect(ctx, "log_bin", "ON", "the binary log is off: start the server with log_bin (e.g. --log-bin=binlog); it cannot be turned on at run time", problems);
        expect(ctx, "binlog_format", "ROW", "binlog_format is %s: osc needs ROW. Run SET GLOBAL binlog_format=ROW and set it in the server's config", problems);
        expect(ctx, "binlog_row_image", "FULL", "binlog_row_image is %s: osc needs FULL. Run SET GLOBAL binlog_row_image=FULL and set it in the server's config", problems);
        expect(ctx, "binlog_row_metadata", "FULL", "binlog_row_metadata is %s: osc needs FULL (column names in the binlog). Run SET GLOBAL binlog_row_metadata=FULL and set it in the server's config", problems);
        forbid(ctx, "log_bin_compress", "log_bin_compress is ON: osc cannot read compressed binlog events."
                + " Run SET GLOBAL log_bin_compress=OFF for the migration", problems);
        forbid(ctx, "binlog_transaction_compression", "binlog_transaction_compression is ON: osc cannot read compressed"
                + " transaction payloads. Run SET GLOBAL binlog_transaction_compression=OFF for the migration", problems);
        return problems;
    }

    /** A setting that must be OFF where the server has it at all. */
    private static void forbid(CheckContext ctx, String variable, String message, List<Problem> problems)
            throws SQLException {
        Optional<String> value = ServerInfo.variable(ctx.connection(), variable);
        if (value.isPresent() && (value.get().equalsIgnoreCase("ON") || value.get().equals("1"))) {
            problems.add(Problem.server(message));
        }
    }

    private static void expect(CheckContext ctx, String variable, String wanted, String message, List<Problem> problems)
            throws SQLException {
        Optional<String> value = ServerInfo.variable(ctx.connection(), variable);
        if (value.isEmpty()) {
            problems.add(Problem.server("the server has no variable " + variable + " (" + ctx.server().flavor() + " "
                    + ctx.server().version() + "): osc needs MariaDB 10.5+ or MySQL 8.0+"));
        } else if (!value.get().equalsIgnoreCase(wanted)) {
            problems.add(Problem.server(String.format(message, value.get())));
        }
    }
}
