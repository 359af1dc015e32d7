package dev.osc.engine.control;

/** What a running migration lets its operators do; {@link ControlLoop} calls it for each request. */
public interface Controllable {

    /** What the migration did about a request; {@code message} is printed by the sender. */
    record Answer(boolean accepted, String message) {
        public static Answer done(String message) {
            return new Answer(true, message);
        }

        public static Answer refused(String message) {
            return new Answer(false, message);
        }
    }

    Answer pause();

    Answer resume();

    Answer set(Setting setting, Object value);

    /** For a run started with a postponed cut-over: go ahead. */
    Answer cutOver();

    /**
     * Stop the migration. The answer is sent only once the shadow table is dropped, through
     * {@link ControlLoop#acknowledgeAbort}; this returns null unless the request is refused.
     */
    Answer abort();
}
