package dev.osc.engine.cleanup;

/**
 * A table osc left next to a migrated one, and what {@code osc cleanup} does with it.
 *
 * @param source      the migrated table it belongs to
 * @param migrationId the recorded migration that named it, or null when none did
 * @param drop        whether cleanup drops it (with --execute)
 * @param reason      why it is dropped or kept, for the operator
 */
public record Leftover(String database, String table, Kind kind, String source, Long migrationId, boolean drop,
                       String reason) {

    /** What the table was for. */
    public enum Kind {
        SHADOW("shadow table"),
        OLD("old table"),
        SENTRY("cut-over sentry"),
        PROBE("probe table");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** {@code database.table}, for messages. */
    public String qualified() {
        return database + "." + table;
    }

    Leftover keep(String why) {
        return new Leftover(database, table, kind, source, migrationId, false, why);
    }
}
