package dev.osc.engine.revert;

/** Hears what a revert does; the CLI prints it. Calls come from the revert's thread. */
public interface RevertListener {
    /** A new step starts. */
    default void step(RevertStep step, String detail) {
    }

    /** Something the user should know that does not stop the revert. */
    default void notice(String message) {
    }

    RevertListener NONE = new RevertListener() {
    };
}
