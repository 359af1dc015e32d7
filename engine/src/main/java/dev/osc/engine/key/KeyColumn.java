package dev.osc.engine.key;

import dev.osc.engine.OscException;
import dev.osc.engine.db.Sql;
import dev.osc.engine.inspect.Column;

import java.io.Serializable;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * One primary-key column: how its values are read from a result set, decoded from a binlog row,
 * and bound into a statement on either table. Values have one form whatever their origin:
 * integers as Long (BigInteger above Long.MAX_VALUE), DECIMAL as BigDecimal, text as the raw
 * bytes in the column's character set, BINARY as bytes padded to the column length, temporal
 * values as their text, so a key read from a chunk boundary and one decoded from the binlog are
 * equal when the rows are.
 */
public final class KeyColumn {
    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9_]+");
    private static final DateTimeFormatter DATETIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS");
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd");

    enum Kind { INTEGER, DECIMAL, TEXT, BINARY, DATE, DATETIME, YEAR }

    private final Column source;
    private final Column target;
    private final Kind kind;

    public KeyColumn(Column source, Column target) {
        this.source = source;
        this.target = target;
        this.kind = kindOf(source);
        if (kind == Kind.TEXT) {
            for (String name : new String[] {source.charset(), source.collation(), target.charset(), target.collation()}) {
                if (name == null || !SAFE_NAME.matcher(name).matches()) {
                    throw OscException.badInput("primary key column " + source.name() + " has an unexpected character set or collation");
                }
            }
        }
    }

    /** Why osc cannot key on this column, or null when it can. */
    public static String unsupportedReason(Column c) {
        try {
            kindOf(c);
            return null;
        } catch (OscException e) {
            return e.getMessage();
        }
    }

    private static Kind kindOf(Column c) {
        if (c.isInteger()) {
            return Kind.INTEGER;
        }
        if (c.isDecimal()) {
            return Kind.DECIMAL;
        }
        switch (c.dataType()) {
            case "char", "varchar" -> {
                return Kind.TEXT;
            }
            case "binary", "varbinary" -> {
                return Kind.BINARY;
            }
            case "date" -> {
                return Kind.DATE;
            }
            case "datetime", "timestamp" -> {
                return Kind.DATETIME;
            }
            case "year" -> {
                return Kind.YEAR;
            }
            default -> throw OscException.badInput("primary key column " + c.name() + " has type " + c.columnType()
                    + ", which osc cannot key on yet (supported: integers, DECIMAL, CHAR/VARCHAR, BINARY/VARBINARY,"
                    + " DATE, DATETIME, TIMESTAMP, YEAR)");
        }
    }

    public Column source() {
        return source;
    }

    public Column target() {
        return target;
    }

    /** The quoted column name on the source ({@code target=false}) or shadow table. */
    public String column(boolean onTarget) {
        return Sql.quote(onTarget ? target.name() : source.name());
    }

    /** What to SELECT from the source to read this key part in its canonical form. */
    public String selectExpression() {
        String col = Sql.quote(source.name());
        return switch (kind) {
            case TEXT -> "CAST(" + col + " AS BINARY)";
            case DATE, DATETIME -> "CAST(" + col + " AS CHAR)";
            default -> col;
        };
    }

    /** A placeholder that compares with the column on the given table by its own collation. */
    public String placeholder(boolean onTarget) {
        if (kind != Kind.TEXT) {
            return "?";
        }
        String asSource = "CONVERT(? USING " + source.charset() + ")";
        if (!onTarget) {
            return asSource + " COLLATE " + source.collation();
        }
        if (target.charset() == null || !target.isText()) {
            return asSource;
        }
        return "CONVERT(" + asSource + " USING " + target.charset() + ") COLLATE " + target.collation();
    }

    /**
     * A placeholder for a value of this column on its own, typed and collated like the source
     * column, so that two such values compare as the column's values do.
     */
    public String value() {
        return switch (kind) {
            case TEXT -> placeholder(false);
            case DATE -> "CAST(? AS DATE)";
            case DATETIME -> "CAST(? AS DATETIME(6))";
            default -> "?";
        };
    }

    public Object read(ResultSet rs, int index) throws SQLException {
        return switch (kind) {
            case INTEGER -> normalizeInteger(rs.getObject(index));
            case DECIMAL -> rs.getBigDecimal(index);
            case TEXT -> rs.getBytes(index);
            case BINARY -> pad(rs.getBytes(index));
            case DATE, DATETIME -> rs.getString(index);
            case YEAR -> rs.getInt(index);
        };
    }

    public void bind(PreparedStatement ps, int index, Object value) throws SQLException {
        switch (kind) {
            case TEXT, BINARY -> ps.setBytes(index, (byte[]) value);
            case DATE, DATETIME -> ps.setString(index, (String) value);
            default -> ps.setObject(index, value);
        }
    }

    /** The value as text that {@link #decode} turns back into an equal value (for checkpoints). */
    public String encode(Object value) {
        if (value == null) {
            throw new IllegalArgumentException("a primary-key part is never NULL");
        }
        return switch (kind) {
            case TEXT, BINARY -> java.util.HexFormat.of().formatHex((byte[]) value);
            case DECIMAL -> ((BigDecimal) value).toPlainString();
            default -> value.toString();
        };
    }

    public Object decode(String text) {
        return switch (kind) {
            case INTEGER -> normalizeInteger(new BigInteger(text));
            case DECIMAL -> new BigDecimal(text);
            case TEXT, BINARY -> java.util.HexFormat.of().parseHex(text);
            case DATE, DATETIME -> text;
            case YEAR -> Integer.parseInt(text);
        };
    }

    /** Decodes a value as mysql-binlog-connector-java delivers it (byte arrays, long microseconds). */
    public Object fromBinlog(Serializable value) {
        if (value == null) {
            return null;
        }
        return switch (kind) {
            case INTEGER -> unsigned(((Number) value));
            case DECIMAL -> (BigDecimal) value;
            case TEXT -> value instanceof byte[] b ? b : value.toString().getBytes(StandardCharsets.UTF_8);
            case BINARY -> pad(value instanceof byte[] b ? b : value.toString().getBytes(StandardCharsets.ISO_8859_1));
            case DATE -> temporal(((Number) value).longValue(), true);
            case DATETIME -> source.dataType().equals("timestamp") && ((Number) value).longValue() == 0
                    ? "0000-00-00 00:00:00" : temporal(((Number) value).longValue(), false);
            // the library adds 1900 to the stored byte; YEAR 0000 is stored as 0
            case YEAR -> ((Number) value).intValue() == 1900 ? 0 : ((Number) value).intValue();
        };
    }

    private Object unsigned(Number n) {
        if (n instanceof BigInteger || n instanceof BigDecimal) {
            return normalizeInteger(n);
        }
        long v = n.longValue();
        if (v < 0 && source.unsigned()) {
            int bits = switch (source.dataType()) {
                case "tinyint" -> 8;
                case "smallint" -> 16;
                case "mediumint" -> 24;
                case "int", "integer" -> 32;
                default -> 64;
            };
            if (bits == 64) {
                return BigInteger.valueOf(v).add(BigInteger.ONE.shiftLeft(64));
            }
            return v + (1L << bits);
        }
        return v;
    }

    private static Object normalizeInteger(Object o) {
        if (o instanceof BigInteger b) {
            return b.bitLength() < 64 ? (Object) b.longValue() : b;
        }
        if (o instanceof BigDecimal d) {
            return normalizeInteger(d.toBigIntegerExact());
        }
        return o == null ? null : ((Number) o).longValue();
    }

    private byte[] pad(byte[] b) {
        if (b == null || !source.dataType().equals("binary") || b.length >= source.octetLength()) {
            return b;
        }
        return Arrays.copyOf(b, (int) source.octetLength());
    }

    /**
     * Long microseconds since the epoch as UTC text. -1 is the library's mark for any date with a
     * zero part (and, unluckily, also 1969-12-31 23:59:59.999999): osc cannot tell which row such a
     * key names, so it stops rather than miss the change.
     */
    private String temporal(long micros, boolean dateOnly) {
        if (micros == -1) {
            throw new OscException(OscException.Kind.FAILED, "a row whose primary key column " + source.name()
                    + " holds a zero or partly zero date changed during the migration; the binary log does not say"
                    + " which date, so osc stops rather than miss the change. The original table is intact");
        }
        LocalDateTime t = LocalDateTime.ofEpochSecond(Math.floorDiv(micros, 1_000_000L),
                (int) Math.floorMod(micros, 1_000_000L) * 1000, ZoneOffset.UTC);
        return dateOnly ? t.format(DATE) : t.format(DATETIME);
    }
}
