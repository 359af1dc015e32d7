package dev.osc.throttler.signal;

import dev.osc.throttler.Reading;
import dev.osc.throttler.Signal;

/** The operator's pause ({@code osc pause}), held until {@code osc resume}. */
public final class ManualPause implements Signal {
    private volatile boolean paused;

    /** @return false when it was already paused */
    public boolean pause() {
        boolean was = paused;
        paused = true;
        return !was;
    }

    /** @return false when it was not paused */
    public boolean resume() {
        boolean was = paused;
        paused = false;
        return was;
    }

    public boolean paused() {
        return paused;
    }

    @Override
    public Reading read() {
        return paused ? Reading.throttle("paused by an operator (osc resume continues)") : Reading.OK;
    }

    @Override
    public String name() {
        return "pause";
    }
}
