package dev.osc.engine.revert;

import java.util.Locale;

/** The steps of one {@code osc revert}, in order. */
public enum RevertStep {
    /** Reading the state, the tables and the binlog since the cut-over; changes nothing. */
    CHECK,
    /** Carrying the changes since the cut-over back into the old table. */
    CATCH_UP,
    /** Comparing both tables' row counts at one moment. */
    VERIFY,
    /** Locking, carrying the last changes back and swapping the tables back. */
    CUT_OVER,
    /** The old table serves again. */
    DONE;

    /** A lower-case name for output, such as {@code cut-over}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
