package dev.osc.engine.check;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads SHOW GRANTS for the current user and names every privilege osc needs and lacks, with
 * the GRANT statement that fixes it. Privileges granted through roles are not followed.
 */
public final class PrivilegesCheck implements Check {
    static final List<String> TABLE_PRIVILEGES = List.of("SELECT", "INSERT", "UPDATE", "DELETE", "CREATE", "DROP",
            "ALTER", "LOCK TABLES", "CREATE TEMPORARY TABLES");
    private static final Pattern GRANT = Pattern.compile("^GRANT (.+?) ON (\\S+) TO ", Pattern.CASE_INSENSITIVE);

    @Override
    public List<Problem> run(CheckContext ctx) throws SQLException {
        List<String[]> grants = new ArrayList<>();
        try (Statement st = ctx.connection().createStatement(); ResultSet rs = st.executeQuery("SHOW GRANTS")) {
            while (rs.next()) {
                Matcher m = GRANT.matcher(rs.getString(1));
                if (m.find()) {
                    grants.add(new String[] {m.group(1), m.group(2)});
                }
            }
        }
        Set<String> global = new LinkedHashSet<>();
        Set<String> onDatabase = new LinkedHashSet<>();
        for (String[] g : grants) {
            Set<String> privileges = split(g[0]);
            String scope = g[1];
            if (scope.equals("*.*")) {
                global.addAll(privileges);
                onDatabase.addAll(privileges);
            } else if (scopeCoversDatabase(scope, ctx.database())) {
                onDatabase.addAll(privileges);
            }
        }
        List<Problem> problems = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (String p : TABLE_PRIVILEGES) {
            if (!has(onDatabase, p)) {
                missing.add(p);
            }
        }
        String who = currentUser(ctx);
        if (!missing.isEmpty()) {
            problems.add(Problem.server("user " + who + " lacks " + String.join(", ", missing) + " on database "
                    + ctx.database() + ": GRANT " + String.join(", ", missing) + " ON `" + ctx.database().replace("`", "``")
                    + "`.* TO " + who));
        }
        List<String> missingGlobal = new ArrayList<>();
        if (!has(global, "REPLICATION SLAVE") && !has(global, "REPLICATION REPLICA")) {
            missingGlobal.add("REPLICATION SLAVE");
        }
        boolean monitor = ctx.server().mariaDb()
                ? has(global, "BINLOG MONITOR") || has(global, "REPLICATION CLIENT") || has(global, "SUPER")
                : has(global, "REPLICATION CLIENT") || has(global, "SUPER");
        if (!monitor) {
            missingGlobal.add(ctx.server().mariaDb() ? "BINLOG MONITOR" : "REPLICATION CLIENT");
        }
        if (!missingGlobal.isEmpty()) {
            problems.add(Problem.server("user " + who + " lacks " + String.join(", ", missingGlobal)
                    + ", needed to read the binary log: GRANT " + String.join(", ", missingGlobal) + " ON *.* TO " + who));
        }
        return problems;
    }

    private static String currentUser(CheckContext ctx) throws SQLException {
        try (Statement st = ctx.connection().createStatement(); ResultSet rs = st.executeQuery("SELECT CURRENT_USER()")) {
            rs.next();
            String u = rs.getString(1);
            int at = u.lastIndexOf('@');
            return at < 0 ? "'" + u + "'" : "'" + u.substring(0, at) + "'@'" + u.substring(at + 1) + "'";
        }
    }

    private static boolean has(Set<String> privileges, String wanted) {
        return privileges.contains(wanted) || privileges.contains("ALL PRIVILEGES") || privileges.contains("ALL");
    }

    /** Privilege names of one GRANT line; column-level grants (with parentheses) do not count. */
    static Set<String> split(String list) {
        Set<String> out = new LinkedHashSet<>();
        int depth = 0;
        StringBuilder cur = new StringBuilder();
        for (char ch : list.toCharArray()) {
            if (ch == '(') {
                depth++;
            } else if (ch == ')') {
                depth--;
            }
            if (ch == ',' && depth == 0) {
                add(out, cur.toString());
                cur.setLength(0);
            } else {
                cur.append(ch);
            }
        }
        add(out, cur.toString());
        return out;
    }

    private static void add(Set<String> out, String p) {
        String s = p.strip().toUpperCase(Locale.ROOT);
        if (!s.isEmpty() && !s.contains("(")) {
            out.add(s);
        }
    }

    /** {@code `db`.*} or a pattern such as {@code `app\_%`.*} covering the database. */
    static boolean scopeCoversDatabase(String scope, String database) {
        if (!scope.endsWith(".*")) {
            return false;
        }
        String db = scope.substring(0, scope.length() - 2);
        if (db.startsWith("`") && db.endsWith("`")) {
            db = db.substring(1, db.length() - 1).replace("``", "`");
        }
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < db.length(); i++) {
            char ch = db.charAt(i);
            if (ch == '\\' && i + 1 < db.length()) {
                regex.append(Pattern.quote(String.valueOf(db.charAt(++i))));
            } else if (ch == '%') {
                regex.append(".*");
            } else if (ch == '_') {
                regex.append('.');
            } else {
                regex.append(Pattern.quote(String.valueOf(ch)));
            }
        }
        return Pattern.compile(regex.toString(), Pattern.CASE_INSENSITIVE).matcher(database).matches();
    }
}
