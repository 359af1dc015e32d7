package dev.osc.throttler.lag;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What one read of one replica found: its lag, or why the lag is unknown.
 *
 * @param replica       the replica's name, such as {@code db2:3306}
 * @param lag           the lag, or null when unknown
 * @param unknownReason why the lag is unknown, or null when it is known
 */
record LagMeasurement(String replica, Duration lag, String unknownReason) {

    LagMeasurement {
        Objects.requireNonNull(replica, "replica");
        if ((lag == null) == (unknownReason == null)) {
            throw new IllegalArgumentException("Either a lag or the reason it is unknown, not both or neither");
        }
    }

    static LagMeasurement known(String replica, Duration lag) {
        return new LagMeasurement(replica, lag.isNegative() ? Duration.ZERO : lag, null);
    }

    static LagMeasurement unknown(String replica, String reason) {
        return new LagMeasurement(replica, null, reason);
    }

    Optional<Duration> knownLag() {
        return Optional.ofNullable(lag);
    }
}
