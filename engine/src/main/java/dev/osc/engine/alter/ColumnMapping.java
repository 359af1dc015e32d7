package dev.osc.engine.alter;

import dev.osc.engine.OscException;
import dev.osc.engine.db.Sql;
import dev.osc.engine.inspect.Column;
import dev.osc.engine.inspect.TableInfo;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Which source column fills which shadow column. Built from the two real table structures
 * (after the ALTER ran on the shadow) plus the renames and drops the ALTER spelled out, so a
 * dropped-and-re-added column is never filled with the old values.
 */
public final class ColumnMapping {

    /** A source column copied into a shadow column, possibly renamed or converted. */
    public record Pair(Column source, Column target) {
        public boolean renamed() {
            return !source.name().equals(target.name());
        }

        public boolean converted() {
            return !source.sameTypeAs(target);
        }
    }

    private final List<Pair> copied;
    private final List<Column> dropped;
    private final List<Column> added;
    private final List<Pair> key;

    private ColumnMapping(List<Pair> copied, List<Column> dropped, List<Column> added, List<Pair> key) {
        this.copied = copied;
        this.dropped = dropped;
        this.added = added;
        this.key = key;
    }

    public static ColumnMapping build(TableInfo source, TableInfo shadow, AlterSpec spec) {
        List<Pair> copied = new ArrayList<>();
        List<Column> dropped = new ArrayList<>();
        List<String> targetsUsed = new ArrayList<>();
        for (Column s : source.columns()) {
            String lower = s.name().toLowerCase(Locale.ROOT);
            String targetName = spec.renamed().getOrDefault(lower, s.name());
            boolean droppedByAlter = spec.dropped().contains(lower) && !spec.renamed().containsKey(lower);
            Optional<Column> target = droppedByAlter ? Optional.empty() : shadow.column(targetName);
            if (target.isPresent() && !target.get().generated()) {
                copied.add(new Pair(s, target.get()));
                targetsUsed.add(target.get().name().toLowerCase(Locale.ROOT));
            } else if (target.isEmpty()) {
                dropped.add(s);
            }
        }
        List<Column> added = shadow.columns().stream()
                .filter(c -> !targetsUsed.contains(c.name().toLowerCase(Locale.ROOT)))
                .filter(c -> source.column(c.name()).isEmpty() || spec.dropped().contains(c.name().toLowerCase(Locale.ROOT))
                        || spec.added().contains(c.name().toLowerCase(Locale.ROOT)))
                .toList();

        List<Pair> key = new ArrayList<>();
        for (Column pk : source.primaryKeyColumns()) {
            Pair pair = copied.stream().filter(p -> p.source().name().equals(pk.name())).findFirst()
                    .orElseThrow(() -> OscException.badInput("--alter drops primary key column " + pk.name()
                            + ": osc copies rows by the primary key, so the key columns must stay"));
            key.add(pair);
        }
        for (Pair p : key) {
            // chunks and checksum ranges are built in the source's key order; a key column whose
            // order may change (another collation or type family) would make them disagree
            if (p.converted() && !(p.source().isInteger() && p.target().isInteger())) {
                throw OscException.badInput("--alter changes primary key column " + p.source().name() + " from "
                        + p.source().columnType() + " to " + p.target().columnType() + ": osc supports widening an integer"
                        + " key, not other changes of a key column's type or collation, yet");
            }
        }
        List<String> expectedShadowKey = key.stream().map(p -> p.target().name().toLowerCase(Locale.ROOT)).toList();
        List<String> shadowKey = shadow.primaryKey().stream().map(n -> n.toLowerCase(Locale.ROOT)).toList();
        if (!expectedShadowKey.equals(shadowKey)) {
            throw OscException.badInput("--alter changes the primary key (from (" + String.join(", ", source.primaryKey())
                    + ") to (" + String.join(", ", shadow.primaryKey()) + ")): osc does not support primary key changes yet;"
                    + " keep the key columns");
        }
        return new ColumnMapping(List.copyOf(copied), List.copyOf(dropped), List.copyOf(added), List.copyOf(key));
    }

    /**
     * The mapping back, from the shadow table's columns to the source's, for carrying rows written
     * after the swap back into the table it replaced (osc revert): renamed columns go back to their
     * old names, converted ones are converted back, columns the ALTER added are left out, and the
     * columns it dropped are listed as added (the old table fills them itself). A source column
     * that is generated is computed by the server there, never written.
     */
    public ColumnMapping reversed() {
        List<Pair> back = copied.stream().filter(p -> !p.source().generated())
                .map(p -> new Pair(p.target(), p.source())).toList();
        List<Pair> keyBack = key.stream().map(p -> new Pair(p.target(), p.source())).toList();
        return new ColumnMapping(back, added, dropped, keyBack);
    }

    public List<Pair> copied() {
        return copied;
    }

    public List<Column> dropped() {
        return dropped;
    }

    public List<Column> added() {
        return added;
    }

    /** The primary key, source column to shadow column, in key order. */
    public List<Pair> key() {
        return key;
    }

    /** {@code `a`, `b`} of the source, in copy order. */
    public String sourceColumnList() {
        return copied.stream().map(p -> Sql.quote(p.source().name())).collect(Collectors.joining(", "));
    }

    /** {@code `a`, `b2`} of the shadow, in copy order. */
    public String targetColumnList() {
        return copied.stream().map(p -> Sql.quote(p.target().name())).collect(Collectors.joining(", "));
    }

    /** One line per column for plans and logs. */
    public List<String> describe() {
        List<String> out = new ArrayList<>();
        for (Pair p : copied) {
            String what = p.renamed() ? "renamed to " + p.target().name() : "copied";
            if (p.converted()) {
                what += ", converted " + p.source().columnType() + " -> " + p.target().columnType();
            }
            out.add(p.source().name() + ": " + what);
        }
        dropped.forEach(c -> out.add(c.name() + ": dropped"));
        added.forEach(c -> out.add(c.name() + ": added" + (c.generated() ? " (generated)"
                : c.defaultValue() != null ? " (default " + c.defaultValue() + ")" : c.nullable() ? " (default NULL)" : "")));
        return out;
    }

    /**
     * Whether every unique key of the new table (its parts, as SHOW INDEX gives them) is one the
     * source enforces on the same columns. A column that changes type or collation may make equal
     * what was distinct, so a key on such a column counts as new.
     */
    public boolean uniqueKeysEnforcedBySource(java.util.Set<List<String>> sourceKeys, java.util.Set<List<String>> newKeys) {
        java.util.Map<String, String> toSource = new java.util.HashMap<>();
        copied.stream().filter(p -> !p.converted()).forEach(p -> toSource.put(
                p.target().name().toLowerCase(Locale.ROOT), p.source().name().toLowerCase(Locale.ROOT)));
        for (List<String> newKey : newKeys) {
            List<String> asSource = new ArrayList<>();
            for (String part : newKey) {
                String column = part.replaceAll("\\(\\d+\\)$", "");
                String mapped = toSource.get(column);
                if (mapped == null) {
                    return false;
                }
                asSource.add(mapped + part.substring(column.length()));
            }
            if (!sourceKeys.contains(asSource)) {
                return false;
            }
        }
        return true;
    }
}
