package dev.osc.throttler;

import dev.osc.throttler.signal.FlagFile;
import dev.osc.throttler.signal.ManualPause;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SignalThrottlerTest {

    /** A signal whose reading the test sets. */
    static final class Fake implements Signal {
        final AtomicReference<Reading> next = new AtomicReference<>(Reading.OK);
        final String name;

        Fake(String name) {
            this.name = name;
        }

        @Override
        public Reading read() throws Exception {
            Reading r = next.get();
            if (r == null) {
                throw new java.sql.SQLException("connection refused");
            }
            return r;
        }

        @Override
        public String name() {
            return name;
        }
    }

    private static SignalThrottler throttler(List<String> changes, int critical, Signal... signals) {
        return new SignalThrottler(List.of(signals), Duration.ofHours(1), () -> critical, changes::add);
    }

    @Test
    void joinsTheReasonsOfEveryThrottlingSignalAndReportsEachChangeOnce() {
        Fake a = new Fake("a");
        Fake b = new Fake("b");
        List<String> changes = new ArrayList<>();
        SignalThrottler t = throttler(changes, 3, a, b);
        t.readAll();
        assertEquals(Optional.empty(), t.throttleReason());
        a.next.set(Reading.throttle("replica lag 3s on r1 > 1s"));
        b.next.set(Reading.throttle("threads running 40 > 25"));
        t.readAll();
        t.readAll();
        assertEquals(Optional.of("replica lag 3s on r1 > 1s; threads running 40 > 25"), t.throttleReason());
        a.next.set(Reading.OK);
        b.next.set(Reading.OK);
        t.readAll();
        assertEquals(Optional.empty(), t.throttleReason());
        assertEquals(List.of("replica lag 3s on r1 > 1s; threads running 40 > 25", ""), changes);
    }

    @Test
    void aSignalThatCannotBeReadThrottlesWithItsError() {
        Fake a = new Fake("replica-lag");
        a.next.set(null);
        SignalThrottler t = throttler(new ArrayList<>(), 3, a);
        t.readAll();
        assertEquals(Optional.of("replica-lag unknown: connection refused"), t.throttleReason());
    }

    @Test
    void abortsOnlyAfterConsecutiveCriticalReads() {
        Fake a = new Fake("threads-running");
        SignalThrottler t = throttler(new ArrayList<>(), 3, a);
        a.next.set(Reading.critical("threads running 90 > critical 80"));
        t.readAll();
        t.readAll();
        a.next.set(Reading.OK);
        t.readAll();
        a.next.set(Reading.critical("threads running 90 > critical 80"));
        t.readAll();
        t.readAll();
        assertEquals(Optional.empty(), t.abortReason(), "an interrupted streak starts again");
        assertTrue(t.throttleReason().isPresent(), "critical also throttles");
        t.readAll();
        assertEquals(Optional.of("threads running 90 > critical 80 for 3 consecutive checks"), t.abortReason());
    }

    @Test
    void flagFileAndManualPause(@TempDir Path dir) throws Exception {
        Path flag = dir.resolve("throttle");
        ManualPause pause = new ManualPause();
        SignalThrottler t = throttler(new ArrayList<>(), 3, new FlagFile(flag), pause);
        t.readAll();
        assertEquals(Optional.empty(), t.throttleReason());
        Files.createFile(flag);
        t.readAll();
        assertEquals(Optional.of("flag file " + flag + " exists"), t.throttleReason());
        Files.delete(flag);
        assertTrue(pause.pause());
        assertTrue(!pause.pause(), "pausing twice says it was paused already");
        t.readAll();
        assertEquals(Optional.of("paused by an operator (osc resume continues)"), t.throttleReason());
        assertTrue(pause.resume());
        t.readAll();
        assertEquals(Optional.empty(), t.throttleReason());
    }

    @Test
    void readsInTheBackgroundOnceStarted() throws Exception {
        Fake a = new Fake("a");
        try (SignalThrottler t = new SignalThrottler(List.of(a), Duration.ofMillis(20), () -> 3, r -> { }).start()) {
            a.next.set(Reading.throttle("x"));
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (t.throttleReason().isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(Optional.of("x"), t.throttleReason());
        }
    }
}
