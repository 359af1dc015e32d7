package dev.osc.engine.state;

import java.util.Arrays;
import java.util.Locale;

/** How a migration recorded in the state store ended, or {@link #RUNNING} while it has not. */
public enum Outcome {
    RUNNING,
    SUCCEEDED,
    FAILED,
    /** Stopped on request ({@code osc abort}, a signal); the original table is intact. */
    ABORTED,
    /** Swapped, and later swapped back by {@code osc revert}: the table has its old schema again. */
    REVERTED;

    /** The value stored in {@code migrations.outcome}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Outcome fromLabel(String label) {
        return Arrays.stream(values()).filter(o -> o.label().equals(label)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown outcome '" + label + "'"));
    }
}
