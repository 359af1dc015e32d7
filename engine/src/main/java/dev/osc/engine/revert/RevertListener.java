package dev.osc.engine.revert;

/** Hears what a revert does; the CLI prints it. Calls come from the revert's thread. */
public interface RevertListener {
    /** A new step starts. */
    default void step(RevertStep step, String detail) {
    }

    /** The checks passed: this is what the revert does (a dry run stops here). */
    default void planned(RevertPlan plan) {
    }

    /** Something the user should know that does not stop the revert. */
    default void notice(String message) {
    }

    RevertListener NONE = new RevertListener() {
    };
}
