package dev.osc.throttler;

/**
 * One source of back-pressure (replica lag, server load, a flag file, a manual pause), read
 * periodically by {@link SignalThrottler}. Implementations may block on I/O briefly; they are
 * never called from the copy or apply loops themselves.
 */
public interface Signal {

    /** Reads the signal now. An exception counts as "throttle" with the exception's message. */
    Reading read() throws Exception;

    /** A short name for logs and metrics, such as {@code replica-lag}. */
    String name();
}
