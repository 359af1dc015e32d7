package dev.osc.engine.repl;

import java.util.Locale;
import java.util.Set;

/**
 * What a statement the binary log holds as SQL text (a Query event) means for following a table's
 * rows. Only its first keyword counts, after comments; a version comment ({@code /*!40000 ... *}{@code /})
 * counts as its content, since the server runs it.
 */
enum LoggedStatement {
    /** BEGIN, XA START: a transaction starts. */
    BEGIN,
    /** COMMIT, ROLLBACK: a transaction ends. */
    END,
    /**
     * SAVEPOINT, ROLLBACK TO, RELEASE SAVEPOINT: the middle of a transaction, which goes on; its
     * changes so far are not committed (nor, in an XA transaction, even prepared).
     */
    SAVEPOINT,
    /**
     * DML logged as text (a session whose binlog_format is STATEMENT or MIXED). Whatever table it
     * names, it may change any other through a view, a trigger or a stored function, and the log
     * does not say which rows it changed.
     */
    DML,
    /** Anything else: a schema change, an account or administrative statement. */
    OTHER;

    private static final Set<String> DML_WORDS = Set.of("INSERT", "UPDATE", "DELETE", "REPLACE", "LOAD", "CALL",
            "DO", "SELECT", "WITH", "VALUES", "MERGE", "UPSERT");

    static LoggedStatement of(String sql) {
        String rest = withoutLeadingComments(sql);
        String first = firstWord(rest);
        String second = firstWord(rest.substring(first.length()).stripLeading());
        return switch (first) {
            case "BEGIN" -> BEGIN;
            case "COMMIT" -> END;
            case "ROLLBACK" -> second.equals("TO") ? SAVEPOINT : END;
            case "SAVEPOINT" -> SAVEPOINT;
            case "RELEASE" -> second.equals("SAVEPOINT") ? SAVEPOINT : OTHER;
            case "XA" -> second.equals("START") || second.equals("BEGIN") ? BEGIN : OTHER;
            default -> DML_WORDS.contains(first) ? DML : OTHER;
        };
    }

    /** The statement without the comments before its first keyword; version comments are opened. */
    static String withoutLeadingComments(String sql) {
        String s = sql.stripLeading();
        while (true) {
            if (s.startsWith("/*!") || s.startsWith("/*M!")) {
                // /*!50100 ...*/ or /*M!100100 ...*/: the server runs what follows the version
                int i = s.indexOf('!') + 1;
                while (i < s.length() && Character.isDigit(s.charAt(i))) {
                    i++;
                }
                s = s.substring(i).stripLeading();
            } else if (s.startsWith("/*")) {
                int end = s.indexOf("*/");
                s = end < 0 ? "" : s.substring(end + 2).stripLeading();
            } else if (s.startsWith("--") || s.startsWith("#")) {
                int end = s.indexOf('\n');
                s = end < 0 ? "" : s.substring(end + 1).stripLeading();
            } else {
                return s;
            }
        }
    }

    private static String firstWord(String s) {
        int i = 0;
        while (i < s.length() && (Character.isLetter(s.charAt(i)) || s.charAt(i) == '_')) {
            i++;
        }
        return s.substring(0, i).toUpperCase(Locale.ROOT);
    }
}
