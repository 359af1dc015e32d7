package dev.osc.engine.control;

import java.sql.SQLException;
import java.util.List;

/**
 * How a running migration hears its operators: it polls for requests not yet acknowledged and
 * answers each one, so that the process that sent it can print what the migration did.
 */
public interface ControlChannel {

    /** Requests for this migration not yet acknowledged, oldest first. */
    List<ControlRequest> pending() throws SQLException;

    /**
     * Answers a request.
     *
     * @param accepted false when the migration refused it (unknown setting, cut-over not postponed, ...)
     * @param message  what the migration did, e.g. "paused" or "threads 2 -> 4"
     */
    void acknowledge(long id, boolean accepted, String message) throws SQLException;

    ControlChannel NONE = new ControlChannel() {
        @Override
        public List<ControlRequest> pending() {
            return List.of();
        }

        @Override
        public void acknowledge(long id, boolean accepted, String message) {
        }
    };
}
