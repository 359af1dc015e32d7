package dev.osc.engine.check;

import dev.osc.engine.OscException;

/** One reason a migration cannot start, said so that the user knows what to change. */
public record Problem(OscException.Kind kind, String message) {
    public static Problem server(String message) {
        return new Problem(OscException.Kind.SERVER, message);
    }

    public static Problem input(String message) {
        return new Problem(OscException.Kind.BAD_INPUT, message);
    }
}
