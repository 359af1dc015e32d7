package dev.osc.engine.inspect;

import java.util.Locale;
import java.util.Set;

/**
 * One column as information_schema describes it.
 *
 * @param dataType   lower-case base type, e.g. {@code varchar}
 * @param columnType full type, e.g. {@code int(10) unsigned}
 * @param charset    character set of a text column, null otherwise
 * @param generated  a VIRTUAL/STORED generated column: computed by the server, never written
 * @param octetLength maximum length in bytes of a string column (pads BINARY keys)
 * @param defaultValue the default as SHOW COLUMNS gives it (null for none or NULL)
 * @param autoIncrement an AUTO_INCREMENT column, which fills itself
 */
public record Column(String name, int ordinal, String dataType, String columnType, String charset, String collation,
                     boolean nullable, boolean generated, long octetLength, String defaultValue, boolean autoIncrement) {

    private static final Set<String> INTEGER = Set.of("tinyint", "smallint", "mediumint", "int", "integer", "bigint");
    private static final Set<String> TEXT = Set.of("char", "varchar", "tinytext", "text", "mediumtext", "longtext", "enum", "set");
    private static final Set<String> BINARY = Set.of("binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob");
    private static final Set<String> TEMPORAL = Set.of("date", "datetime", "timestamp", "time", "year");

    public boolean unsigned() {
        return columnType.toLowerCase(Locale.ROOT).contains("unsigned");
    }

    public boolean isInteger() {
        return INTEGER.contains(dataType);
    }

    public boolean isDecimal() {
        return dataType.equals("decimal") || dataType.equals("numeric");
    }

    public boolean isFloating() {
        return dataType.equals("float") || dataType.equals("double") || dataType.equals("real");
    }

    /** Character data, including ENUM and SET (compared as their labels). */
    public boolean isText() {
        return TEXT.contains(dataType) || (charset != null && dataType.equals("json"));
    }

    public boolean isBinary() {
        return BINARY.contains(dataType);
    }

    public boolean isTemporal() {
        return TEMPORAL.contains(dataType);
    }

    public boolean isBit() {
        return dataType.equals("bit");
    }

    /** Same stored type: a copy between two such columns cannot change a value. */
    public boolean sameTypeAs(Column o) {
        return columnType.equalsIgnoreCase(o.columnType) && eq(charset, o.charset) && eq(collation, o.collation);
    }

    private static boolean eq(String a, String b) {
        return a == null ? b == null : a.equalsIgnoreCase(b);
    }
}
