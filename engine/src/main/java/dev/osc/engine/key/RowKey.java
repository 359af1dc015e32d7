package dev.osc.engine.key;

import java.util.Arrays;

/**
 * The primary-key values of one row, in key order. byte[] parts compare by content, so keys
 * decoded twice from the binlog de-duplicate.
 */
public final class RowKey {
    private final Object[] values;
    private final int hash;

    public RowKey(Object... values) {
        this.values = values;
        this.hash = Arrays.deepHashCode(values);
    }

    public Object get(int i) {
        return values[i];
    }

    public int size() {
        return values.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RowKey k && hash == k.hash && Arrays.deepEquals(values, k.values);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            Object v = values[i];
            sb.append(v instanceof byte[] b ? "0x" + java.util.HexFormat.of().formatHex(b) : String.valueOf(v));
        }
        return sb.append(')').toString();
    }
}
