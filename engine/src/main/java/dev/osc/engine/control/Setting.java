package dev.osc.engine.control;

import dev.osc.engine.Durations;

import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The settings an operator may change while a migration runs ({@code osc set name=value}). The
 * sender validates the value with {@link #parse} before sending, and the migration applies it.
 */
public enum Setting {
    THREADS("threads", "copy workers, 1-64"),
    CHUNK_TIME("chunk-time", "target time per copy chunk, 10ms-10s"),
    MAX_LAG("max-lag", "replica lag above which osc throttles, e.g. 1s"),
    MAX_THREADS_RUNNING("max-threads-running", "Threads_running above which osc throttles, 0 = off"),
    CRITICAL_THREADS_RUNNING("critical-threads-running", "Threads_running above which osc aborts, 0 = off");

    private final String key;
    private final String help;

    Setting(String key, String help) {
        this.key = key;
        this.help = help;
    }

    public String key() {
        return key;
    }

    public String help() {
        return help;
    }

    /** @throws IllegalArgumentException naming the known settings when the name is unknown */
    public static Setting named(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        return Arrays.stream(values()).filter(s -> s.key.equals(n)).findFirst().orElseThrow(() ->
                new IllegalArgumentException("unknown setting '" + name + "'; " + describeAll()));
    }

    /** "settings that can change while osc runs: threads (copy workers, 1-64), ...", for messages. */
    public static String describeAll() {
        return "settings that can change while osc runs: "
                + Arrays.stream(values()).map(s -> s.key + " (" + s.help + ")").collect(Collectors.joining(", "));
    }

    /**
     * The value as an Integer or a Duration.
     *
     * @throws IllegalArgumentException saying what the setting accepts
     */
    public Object parse(String value) {
        try {
            return switch (this) {
                case THREADS -> within(Integer.parseInt(value.trim()), 1, 64);
                case MAX_THREADS_RUNNING, CRITICAL_THREADS_RUNNING -> within(Integer.parseInt(value.trim()), 0, 100_000);
                case CHUNK_TIME -> {
                    Duration d = Durations.parse(value);
                    if (d.toMillis() < 10 || d.toMillis() > 10_000) {
                        throw new IllegalArgumentException("out of range");
                    }
                    yield d;
                }
                case MAX_LAG -> {
                    Duration d = Durations.parse(value);
                    if (d.isNegative() || d.isZero()) {
                        throw new IllegalArgumentException("out of range");
                    }
                    yield d;
                }
            };
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("'" + value + "' is not a valid value for " + key + ": " + help);
        }
    }

    private static int within(int v, int min, int max) {
        if (v < min || v > max) {
            throw new IllegalArgumentException("out of range");
        }
        return v;
    }

    /** The value as osc prints it. */
    public String format(Object value) {
        if (this == THREADS && Integer.valueOf(dev.osc.engine.MigrationConfig.AUTO_THREADS).equals(value)) {
            return "auto";
        }
        return value instanceof Duration d ? Durations.format(d) : String.valueOf(value);
    }
}
