package dev.osc.engine;

import dev.osc.engine.alter.AlterSpec;
import dev.osc.engine.alter.ColumnMapping;
import dev.osc.engine.cutover.TableNames;
import dev.osc.engine.inspect.TableInfo;

import java.util.List;

/** What a migration will do, worked out without changing anything. */
public record Plan(TableInfo source, AlterSpec alter, TableNames names, ColumnMapping mapping, List<String> statements) {

    /** The plan as lines of text for a terminal. */
    public List<String> describe() {
        List<String> out = new java.util.ArrayList<>();
        out.add("table:        " + source.database() + "." + source.name() + " (about " + source.rowsEstimate() + " rows, "
                + (source.dataBytes() + source.indexBytes()) / (1024 * 1024) + " MiB)");
        out.add("method:       shadow-table copy following the binary log, checksum, atomic swap");
        out.add("shadow table: " + names.shadow());
        out.add("old table:    " + names.old() + " (kept after the swap)");
        out.add("columns:");
        mapping.describe().forEach(l -> out.add("  " + l));
        out.add("statements:");
        statements.forEach(s -> out.add("  " + s));
        return out;
    }
}
