package dev.osc.engine;

/** Hears what a running migration does; the CLI renders it. Calls come from the migration's thread. */
public interface MigrationListener {
    /** A new phase starts. */
    default void phase(Phase phase, String detail) {
    }

    /** A progress snapshot, about once a second while rows are copied or checked. */
    default void progress(Progress progress) {
    }

    /** Something the user should know that does not stop the migration. */
    default void notice(String message) {
    }

    MigrationListener NONE = new MigrationListener() {
    };
}
