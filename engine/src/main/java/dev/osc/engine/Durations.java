package dev.osc.engine;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads and writes durations the way operators type them: 500ms, 3s, 10m, 1h (or ISO-8601 like PT3S). */
public final class Durations {
    private static final Pattern SIMPLE = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)");

    private Durations() {
    }

    /** @throws IllegalArgumentException naming the value when it is not a duration */
    public static Duration parse(String value) {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        Matcher m = SIMPLE.matcher(v);
        if (m.matches()) {
            double n = Double.parseDouble(m.group(1));
            double millis = switch (m.group(2)) {
                case "ms" -> n;
                case "s" -> n * 1_000;
                case "m" -> n * 60_000;
                default -> n * 3_600_000;
            };
            return Duration.ofNanos(Math.round(millis * 1_000_000));
        }
        try {
            return Duration.parse(value == null ? "" : value.trim());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("'" + value + "' is not a duration; write e.g. 500ms, 3s, 10m");
        }
    }

    /** The shortest of the simple forms: 250ms, 3s, 1.5s, 10m. */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms < 1000 || ms % 100 != 0) {
            return ms + "ms";
        }
        if (ms % 60_000 == 0 && ms < 3_600_000) {
            return ms / 60_000 + "m";
        }
        return ms % 1000 == 0 ? ms / 1000 + "s" : (ms / 100) / 10.0 + "s";
    }
}
