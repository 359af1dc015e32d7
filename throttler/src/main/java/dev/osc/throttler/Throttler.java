package dev.osc.throttler;

import java.util.Optional;

/**
 * Consulted by the copy and apply loops before each unit of work. A throttler that says
 * "throttled" names its reason so that progress output and metrics can show why osc waits.
 */
public interface Throttler {

    /** The reason osc should hold back right now, or empty when it may proceed. */
    Optional<String> throttleReason();

    /**
     * The reason osc must give up the migration (the server is in distress), or empty. The
     * migration then stops cleanly and leaves the original table as it was.
     */
    default Optional<String> abortReason() {
        return Optional.empty();
    }

    /** A throttler that never holds back; the default until signals are configured. */
    Throttler NONE = Optional::empty;
}
