package dev.osc.throttler.lag;

import dev.osc.throttler.Reading;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;

/**
 * Turns the replicas' measurements into one {@link Reading}: throttle when any replica is over
 * the threshold or cannot be measured, naming the worst one. A replica whose lag is unknown
 * counts as worse than any known lag, because it may be arbitrarily far behind.
 */
final class LagVerdict {

    private LagVerdict() {
    }

    static Reading judge(List<LagMeasurement> measurements, Duration threshold) {
        List<LagMeasurement> unknown = measurements.stream().filter(m -> m.lag() == null).toList();
        List<LagMeasurement> over = measurements.stream()
                .filter(m -> m.lag() != null && m.lag().compareTo(threshold) > 0)
                .toList();
        int offenders = unknown.size() + over.size();
        if (offenders == 0) {
            return Reading.OK;
        }
        String reason;
        if (!unknown.isEmpty()) {
            LagMeasurement first = unknown.get(0);
            reason = "replica lag unknown on " + first.replica() + ": " + first.unknownReason();
        } else {
            LagMeasurement worst = over.stream().max(Comparator.comparing(LagMeasurement::lag)).orElseThrow();
            reason = "replica lag " + formatLag(worst.lag()) + " on " + worst.replica() + " > " + formatThreshold(threshold);
        }
        return Reading.throttle(offenders == 1 ? reason
                : reason + " (and " + (offenders - 1) + " more replica" + (offenders == 2 ? "" : "s") + ")");
    }

    /**
     * A lag rounded up (to the millisecond below one second, to a tenth above), so that a lag
     * just over the threshold never prints as equal to it: "3.3s", "501ms".
     */
    static String formatLag(Duration lag) {
        long millis = ceilDiv(lag.toNanos(), 1_000_000);
        if (millis < 1_000) {
            return millis + "ms";
        }
        return seconds(BigDecimal.valueOf(ceilDiv(millis, 100), 1));
    }

    /** A threshold as given, without trailing zeros: "1s", "2.05s", "500ms". */
    static String formatThreshold(Duration threshold) {
        long millis = threshold.toMillis();
        if (millis < 1_000) {
            return millis + "ms";
        }
        return seconds(BigDecimal.valueOf(millis, 3));
    }

    private static String seconds(BigDecimal seconds) {
        return seconds.stripTrailingZeros().toPlainString() + "s";
    }

    private static long ceilDiv(long x, long y) {
        return -Math.floorDiv(-x, y);
    }
}
