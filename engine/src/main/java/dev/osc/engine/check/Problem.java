package dev.osc.engine.check;

import dev.osc.engine.OscException;

/**
 * One reason a migration cannot start, said so that the user knows what to change. Input
 * problems carry the stable finding code under which the plan reports them (docs/planning.md).
 */
public record Problem(OscException.Kind kind, String code, String message) {
    public static Problem server(String message) {
        return new Problem(OscException.Kind.SERVER, "SERVER", message);
    }

    public static Problem input(String code, String message) {
        return new Problem(OscException.Kind.BAD_INPUT, code, message);
    }
}
