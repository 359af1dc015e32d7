package dev.osc.engine.copy;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ChunkSizerTest {
    private static final Duration TARGET = Duration.ofMillis(500);

    @Test
    void followsTheTargetTimeAtMostTwiceOrHalfPerChunk() {
        ChunkSizer size = new ChunkSizer(1000, 50_000);
        size.tookFor(Duration.ofMillis(400), TARGET);
        assertEquals(1250, size.rows(), "a chunk faster than the target grows in proportion");
        size.tookFor(Duration.ofMillis(10), TARGET);
        assertEquals(2500, size.rows(), "at most doubled, however fast the chunk was");
        size.tookFor(Duration.ofSeconds(30), TARGET);
        assertEquals(1250, size.rows(), "at most halved after one slow chunk (a lock wait, a cold page)");
        size.tookFor(Duration.ofMillis(625), TARGET);
        assertEquals(1000, size.rows());
    }

    @Test
    void staysWithinItsBounds() {
        ChunkSizer size = new ChunkSizer(40_000, 50_000);
        size.tookFor(Duration.ofMillis(1), TARGET);
        assertEquals(50_000, size.rows());
        ChunkSizer small = new ChunkSizer(12, 50_000);
        small.tookFor(Duration.ofSeconds(5), TARGET);
        assertEquals(ChunkSizer.MIN_ROWS, small.rows());
        assertEquals(ChunkSizer.MIN_ROWS, new ChunkSizer(1, 100).rows());
        assertEquals(100, new ChunkSizer(1000, 100).rows());
    }

    @Test
    void aNewTargetTakesEffectAtTheNextChunk() {
        ChunkSizer size = new ChunkSizer(1000, 50_000);
        size.tookFor(Duration.ofMillis(500), Duration.ofMillis(250));
        assertEquals(500, size.rows());
    }
}
