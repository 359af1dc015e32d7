package dev.osc.engine.revert;

import dev.osc.engine.db.Sql;
import dev.osc.engine.inspect.Column;
import dev.osc.engine.key.RowKey;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;

/** Primary keys as refusals and failures name them: {@code (42)}, {@code (7, 'eu')}, binary as hex. */
final class KeyDisplay {
    /** How many rows a message names; it gives the count of the rest. */
    static final int NAMED = 10;

    private KeyDisplay() {
    }

    /** SQL that shows the key of a row of {@code alias} (a table alias, or null for unqualified columns). */
    static String sql(List<Column> key, String alias) {
        String parts = key.stream().map(c -> {
            String ref = (alias == null ? "" : Sql.quote(alias) + ".") + Sql.quote(c.name());
            if (c.isBinary()) {
                return "CONCAT('0x', HEX(" + ref + "))";
            }
            return c.isText() ? "CONCAT('''', " + ref + ", '''')" : "CAST(" + ref + " AS CHAR)";
        }).collect(Collectors.joining(", "));
        return "CONCAT('(', CONCAT_WS(', ', " + parts + "), ')')";
    }

    /** A key read in canonical form (text as its bytes): text shown when it is UTF-8, else as hex. */
    static String of(RowKey key) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < key.size(); i++) {
            if (i > 0) {
                sb.append(", ");
            }
            Object v = key.get(i);
            if (v instanceof byte[] b) {
                try {
                    sb.append('\'').append(StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(b))).append('\'');
                } catch (CharacterCodingException notUtf8) {
                    sb.append("0x").append(HexFormat.of().formatHex(b));
                }
            } else {
                sb.append(v);
            }
        }
        return sb.append(')').toString();
    }

    /** {@code (1), (2) and 3 more}: the first {@link #NAMED} of {@code total}. */
    static String list(List<String> named, long total) {
        String shown = String.join(", ", named.subList(0, Math.min(NAMED, named.size())));
        long rest = total - Math.min(NAMED, named.size());
        return shown + (rest > 0 ? " and " + rest + " more" : "");
    }
}
