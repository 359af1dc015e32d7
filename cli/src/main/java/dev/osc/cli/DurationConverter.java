package dev.osc.cli;

import dev.osc.engine.Durations;
import picocli.CommandLine;

import java.time.Duration;

/** Reads durations such as 500ms, 3s, 10m, 1h (or ISO-8601 like PT3S). */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        try {
            return Durations.parse(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
