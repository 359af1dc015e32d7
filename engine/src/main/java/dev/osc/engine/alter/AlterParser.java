package dev.osc.engine.alter;

import dev.osc.engine.OscException;
import dev.osc.engine.db.Sql;
import net.sf.jsqlparser.JSQLParserException;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.Statements;
import net.sf.jsqlparser.statement.alter.Alter;
import net.sf.jsqlparser.statement.alter.AlterExpression;
import net.sf.jsqlparser.statement.alter.AlterOperation;
import net.sf.jsqlparser.statement.create.table.ForeignKeyIndex;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the user's ALTER with JSqlParser to classify it, and refuses what osc cannot do safely.
 * The parser only judges; the user's own text is what runs against the shadow table, because
 * JSqlParser's {@code toString()} does not reproduce every MySQL detail.
 */
public final class AlterParser {
    private static final String IDENT = "(`(?:[^`]|``)+`|\"(?:[^\"]|\"\")+\"|[A-Za-z0-9_$]+)";
    private static final Pattern PREFIX = Pattern.compile(
            "^\\s*ALTER\\s+(ONLINE\\s+)?(IGNORE\\s+)?TABLE\\s+(?:IF\\s+EXISTS\\s+)?" + IDENT + "(?:\\s*\\.\\s*" + IDENT + ")?\\s*",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern STARTS_WITH_ALTER = Pattern.compile("^\\s*ALTER\\s+(ONLINE\\s+)?(IGNORE\\s+)?TABLE\\b",
            Pattern.CASE_INSENSITIVE);
    /** JSqlParser reads DROP FOREIGN KEY only with parentheses; refuse it by text so the reason is the real one. */
    private static final Pattern DROP_FOREIGN_KEY = Pattern.compile("\\bDROP\\s+FOREIGN\\s+KEY\\b", Pattern.CASE_INSENSITIVE);
    /** ALGORITHM= and LOCK= options standing as clauses of their own; osc chooses how to run. */
    private static final Pattern ALGORITHM_OR_LOCK = Pattern.compile(
            "(^|,)\\s*(ALGORITHM|LOCK)\\s*=?\\s*[A-Za-z]+\\s*(?=,|$)", Pattern.CASE_INSENSITIVE);

    private static final Set<AlterOperation> REFUSED_PARTITION_OPS = EnumSet.of(AlterOperation.ADD_PARTITION,
            AlterOperation.DROP_PARTITION, AlterOperation.ATTACH_PARTITION, AlterOperation.DETACH_PARTITION,
            AlterOperation.DISCARD_PARTITION, AlterOperation.IMPORT_PARTITION, AlterOperation.TRUNCATE_PARTITION,
            AlterOperation.COALESCE_PARTITION, AlterOperation.REORGANIZE_PARTITION, AlterOperation.EXCHANGE_PARTITION,
            AlterOperation.ANALYZE_PARTITION, AlterOperation.CHECK_PARTITION, AlterOperation.OPTIMIZE_PARTITION,
            AlterOperation.REBUILD_PARTITION, AlterOperation.REPAIR_PARTITION);

    private AlterParser() {
    }

    /**
     * Parses {@code alter}, which is either clauses ({@code ADD COLUMN x INT, DROP INDEX k}) or a
     * whole {@code ALTER TABLE} statement naming {@code database.table} or {@code table}.
     */
    public static AlterSpec parse(String alter, String database, String table) {
        String text = alter.strip();
        while (text.endsWith(";")) {
            text = text.substring(0, text.length() - 1).stripTrailing();
        }
        if (text.isEmpty()) {
            throw OscException.badInput("--alter is empty: give the change, e.g. --alter \"ADD COLUMN note VARCHAR(64)\"");
        }
        String clauses = text;
        if (STARTS_WITH_ALTER.matcher(text).find()) {
            Matcher m = PREFIX.matcher(text);
            if (!m.find()) {
                throw OscException.badInput("cannot read the table name in --alter \"" + abbreviate(text)
                        + "\": write it as ALTER TABLE `" + table + "` ... or give only the clauses");
            }
            if (m.group(2) != null) {
                throw OscException.badInput("ALTER IGNORE is refused: it silently deletes rows that collide on a unique key."
                        + " Remove IGNORE; osc stops with the duplicate values instead of losing rows");
            }
            String first = unquote(m.group(3));
            String second = m.group(4) == null ? null : unquote(m.group(4));
            String named = second == null ? first : second;
            String namedDb = second == null ? database : first;
            if (!named.equalsIgnoreCase(table) || !namedDb.equalsIgnoreCase(database)) {
                throw OscException.badInput("--alter names table " + (second == null ? "" : namedDb + ".") + named
                        + " but --database/--table name " + database + "." + table
                        + ": give the same table, or only the clauses");
            }
            clauses = text.substring(m.end());
        }
        clauses = ALGORITHM_OR_LOCK.matcher(clauses).replaceAll("$1").strip();
        while (clauses.matches("(?s).*,\\s*,.*")) {
            clauses = clauses.replaceAll(",\\s*,", ",");
        }
        clauses = clauses.replaceAll("^\\s*,", "").replaceAll(",\\s*$", "").strip();
        if (clauses.isEmpty()) {
            throw OscException.badInput("--alter has no change in it (only ALGORITHM/LOCK options?): add the change itself");
        }
        if (DROP_FOREIGN_KEY.matcher(clauses).find()) {
            throw foreignKeysRefused();
        }
        Statement statement = parseOne("ALTER TABLE " + Sql.quote(database, table) + " " + clauses);
        if (!(statement instanceof Alter parsed)) {
            throw OscException.badInput("--alter is not an ALTER TABLE that osc understands: " + abbreviate(text));
        }
        return classify(parsed, clauses);
    }

    private static Statement parseOne(String sql) {
        Statements statements;
        try {
            statements = CCJSqlParserUtil.parseStatements(sql);
        } catch (JSQLParserException e) {
            String why = e.getCause() != null && e.getCause().getMessage() != null ? e.getCause().getMessage() : e.getMessage();
            throw OscException.badInput("cannot parse --alter: " + firstLine(why)
                    + ". Check the syntax; osc accepts clauses such as \"ADD COLUMN x INT, DROP INDEX k\"");
        }
        if (statements.size() != 1) {
            throw OscException.badInput("--alter holds " + statements.size()
                    + " statements; give exactly one ALTER for one table (no ';' inside)");
        }
        return statements.get(0);
    }

    private static AlterSpec classify(Alter alter, String clauses) {
        Map<String, String> renamed = new LinkedHashMap<>();
        Set<String> dropped = new LinkedHashSet<>();
        Set<String> added = new LinkedHashSet<>();
        Set<String> addedIndexes = new LinkedHashSet<>();
        List<String> summaries = new ArrayList<>();
        boolean changesPk = false;
        boolean beyondDefinition = false;
        for (AlterExpression e : alter.getAlterExpressions()) {
            AlterOperation op = e.getOperation();
            if (op == AlterOperation.FORCE || op == AlterOperation.ENGINE || (op == AlterOperation.SET_TABLE_OPTION
                    && e.toString().strip().toUpperCase(Locale.ROOT).startsWith("AUTO_INCREMENT"))) {
                beyondDefinition = true;
            }
            summaries.add(e.toString().strip());
            if (op == AlterOperation.RENAME_TABLE) {
                throw OscException.badInput("--alter renames the table (" + e.toString().strip()
                        + "): osc changes a table in place; rename it with RENAME TABLE instead");
            }
            if (op == AlterOperation.DISCARD_TABLESPACE || op == AlterOperation.IMPORT_TABLESPACE
                    || op == AlterOperation.DISABLE_KEYS || op == AlterOperation.ENABLE_KEYS) {
                throw OscException.badInput("--alter clause " + e.toString().strip()
                        + " is not a schema change osc can run online; run it as a plain ALTER TABLE");
            }
            if (REFUSED_PARTITION_OPS.contains(op)) {
                throw OscException.badInput("--alter clause " + e.toString().strip()
                        + " is partition maintenance, which osc does not run; use a plain ALTER TABLE for it");
            }
            if (op == AlterOperation.ENGINE && !"innodb".equalsIgnoreCase(unquote(e.getEngineOption()))) {
                throw OscException.badInput("--alter changes the engine to " + e.getEngineOption()
                        + ": osc needs a transactional InnoDB table on both sides");
            }
            if (e.getIndex() instanceof ForeignKeyIndex || op == AlterOperation.DROP_FOREIGN_KEY
                    || (e.getIndex() != null && e.getIndex().toString().toUpperCase(Locale.ROOT).contains("FOREIGN KEY"))) {
                throw foreignKeysRefused();
            }
            if (op == AlterOperation.DROP_PRIMARY_KEY || op == AlterOperation.ALTER_PRIMARY_KEY
                    || (op == AlterOperation.ADD && e.getPkColumns() != null)) {
                changesPk = true;
            }
            if (op == AlterOperation.ADD && e.getIndex() != null && e.getIndex().getName() != null
                    && e.getPkColumns() == null) {
                addedIndexes.add(unquote(e.getIndex().getName()));
            }
            if (e.getColDataTypeList() != null) {
                for (AlterExpression.ColumnDataType cd : e.getColDataTypeList()) {
                    String name = unquote(cd.getColumnName()).toLowerCase(Locale.ROOT);
                    if (op == AlterOperation.ADD) {
                        added.add(name);
                    } else if (op == AlterOperation.CHANGE) {
                        String old = unquote(e.getColumnOldName()).toLowerCase(Locale.ROOT);
                        if (!old.equals(name)) {
                            renamed.put(old, unquote(cd.getColumnName()));
                        }
                    }
                }
            }
            if (op == AlterOperation.RENAME && e.getColumnOldName() != null && e.getColumnName() != null) {
                renamed.put(unquote(e.getColumnOldName()).toLowerCase(Locale.ROOT), unquote(e.getColumnName()));
            }
            if (op == AlterOperation.DROP && e.getColumnName() != null && e.getIndex() == null) {
                dropped.add(unquote(e.getColumnName()).toLowerCase(Locale.ROOT));
            }
        }
        return new AlterSpec(clauses, Map.copyOf(renamed), Set.copyOf(dropped), Set.copyOf(added), Set.copyOf(addedIndexes), changesPk, beyondDefinition,
                List.copyOf(summaries));
    }

    private static OscException foreignKeysRefused() {
        return OscException.badInput("--alter adds or drops a foreign key: osc does not support foreign keys yet,"
                + " because the swapped table would not keep the constraint's references");
    }

    /** Removes backtick or double-quote quoting from an identifier. */
    static String unquote(String identifier) {
        if (identifier == null) {
            return null;
        }
        String s = identifier.strip();
        if (s.length() >= 2 && s.startsWith("`") && s.endsWith("`")) {
            return s.substring(1, s.length() - 1).replace("``", "`");
        }
        if (s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"")) {
            return s.substring(1, s.length() - 1).replace("\"\"", "\"");
        }
        return s;
    }

    private static String abbreviate(String s) {
        return s.length() <= 120 ? s : s.substring(0, 117) + "...";
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).strip();
    }
}
