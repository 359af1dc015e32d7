package dev.osc.throttler.lag;

import java.time.Clock;
import java.time.Instant;

/** osc's own clock in microseconds since the epoch: what the heartbeat writes and what lag is measured against. */
final class EpochMicros {
    private static final Clock CLOCK = Clock.systemUTC();

    private EpochMicros() {
    }

    static long now() {
        Instant now = CLOCK.instant();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }
}
