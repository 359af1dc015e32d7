package dev.osc.throttler.lag;

import dev.osc.throttler.Reading;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LagVerdictTest {
    private static final Duration ONE_SECOND = Duration.ofSeconds(1);

    @Test
    void okWhileEveryReplicaIsWithinTheThreshold() {
        Reading r = LagVerdict.judge(List.of(lag("a:3306", 200), lag("b:3306", 1_000)), ONE_SECOND);
        assertEquals(Reading.OK, r); // exactly at the threshold is still within it
    }

    @Test
    void noReplicasIsOk() {
        assertEquals(Reading.OK, LagVerdict.judge(List.of(), ONE_SECOND));
    }

    @Test
    void namesTheWorstReplicaAndItsLagAgainstTheThreshold() {
        Reading r = LagVerdict.judge(List.of(lag("a:3306", 1_500), lag("127.0.0.1:3307", 3_200), lag("c:3306", 10)),
                ONE_SECOND);
        assertEquals(Reading.Level.THROTTLE, r.level());
        assertEquals("replica lag 3.2s on 127.0.0.1:3307 > 1s (and 1 more replica)", r.reason());
    }

    @Test
    void oneReplicaOverSaysNothingMore() {
        Reading r = LagVerdict.judge(List.of(lag("a:3306", 100), lag("b:3306", 2_001)), Duration.ofMillis(1_500));
        assertEquals("replica lag 2.1s on b:3306 > 1.5s", r.reason());
    }

    @Test
    void anUnknownLagOutranksAnyKnownOne() {
        Reading r = LagVerdict.judge(List.of(lag("a:3306", 60_000), unknown("b:3306", "Connection refused"),
                unknown("c:3306", "timeout")), ONE_SECOND);
        assertEquals(Reading.Level.THROTTLE, r.level());
        assertEquals("replica lag unknown on b:3306: Connection refused (and 2 more replicas)", r.reason());
    }

    @Test
    void lagsRoundUpSoThatOverNeverPrintsAsEqual() {
        assertEquals("2.1s", LagVerdict.formatLag(Duration.ofMillis(2_001)));
        assertEquals("3.2s", LagVerdict.formatLag(Duration.ofMillis(3_200)));
        assertEquals("1s", LagVerdict.formatLag(Duration.ofMillis(1_000)));
        assertEquals("12s", LagVerdict.formatLag(Duration.ofMillis(11_950)));
        assertEquals("501ms", LagVerdict.formatLag(Duration.ofNanos(500_000_001)));
        assertEquals("0ms", LagVerdict.formatLag(Duration.ZERO));
    }

    @Test
    void thresholdsPrintAsGiven() {
        assertEquals("1s", LagVerdict.formatThreshold(ONE_SECOND));
        assertEquals("2.05s", LagVerdict.formatThreshold(Duration.ofMillis(2_050)));
        assertEquals("500ms", LagVerdict.formatThreshold(Duration.ofMillis(500)));
        assertEquals("90s", LagVerdict.formatThreshold(Duration.ofSeconds(90)));
    }

    @Test
    void aNegativeLagFromClockTicksCountsAsNone() {
        assertEquals(Duration.ZERO, LagMeasurement.known("a:3306", Duration.ofMillis(-2)).lag());
    }

    private static LagMeasurement lag(String replica, long millis) {
        return LagMeasurement.known(replica, Duration.ofMillis(millis));
    }

    private static LagMeasurement unknown(String replica, String why) {
        return LagMeasurement.unknown(replica, why);
    }
}
