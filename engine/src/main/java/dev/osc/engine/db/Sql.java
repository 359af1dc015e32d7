package dev.osc.engine.db;

/** Identifier quoting. Every table and column name osc puts into SQL goes through here. */
public final class Sql {
    private Sql() {
    }

    /** Quotes an identifier with backticks, doubling any backtick inside it. */
    public static String quote(String identifier) {
        return "`" + identifier.replace("`", "``") + "`";
    }

    /** {@code `db`.`table`} */
    public static String quote(String database, String table) {
        return quote(database) + "." + quote(table);
    }

    /** A string literal for the rare statements that cannot take a bind parameter (SHOW ... LIKE). */
    public static String literal(String value) {
        return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'";
    }
}
