package dev.osc.cli.metrics;

import dev.osc.engine.Migration;
import dev.osc.engine.MigrationFixture;
import dev.osc.engine.MigrationListener;
import dev.osc.engine.MigrationResult;
import dev.osc.engine.Phase;
import dev.osc.engine.Progress;
import dev.osc.testing.TestServer;
import dev.osc.testing.TestServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The metrics endpoint scraped over HTTP while a real migration runs, and after it. */
@ExtendWith(TestServerExtension.class)
class MetricsServerIT {
    private static final int ROWS = 20_000;

    private final TestServer server;

    MetricsServerIT(TestServer server) {
        this.server = server;
    }

    /**
     * Scrapes from inside listener callbacks, right after the metrics heard the same event: the
     * migration waits for the scrape, so what it sees is the state at that moment, not a race.
     * Failures are kept for the test thread, since a listener that throws would fail the migration.
     */
    private static final class Probe implements MigrationListener {
        private final int port;
        final Map<Phase, Scrape> atPhase = new EnumMap<>(Phase.class);
        final AtomicReference<Scrape> duringCopy = new AtomicReference<>();
        final AtomicReference<Throwable> failure = new AtomicReference<>();

        Probe(int port) {
            this.port = port;
        }

        @Override
        public void phase(Phase phase, String detail) {
            Scrape s = scrape();
            if (s != null) {
                synchronized (atPhase) {
                    atPhase.putIfAbsent(phase, s);
                }
            }
        }

        private final java.util.concurrent.atomic.AtomicInteger chunks = new java.util.concurrent.atomic.AtomicInteger();

        /** Scrapes from inside the fifth chunk's event: the copy is certainly under way and not done. */
        @Override
        public void chunkCopied(int rows, java.time.Duration took) {
            if (chunks.incrementAndGet() == 5) {
                duringCopy.compareAndSet(null, scrape());
            }
        }

        private Scrape scrape() {
            try {
                return Scrape.get(port, MetricsServer.PATH);
            } catch (Exception | AssertionError e) {
                failure.compareAndSet(null, e);
                return null;
            }
        }
    }

    @Test
    void scrapesDuringAndAfterARealMigration() throws Exception {
        String db = server.createDatabase("metrics_run");
        server.exec(db, "CREATE TABLE t (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, a VARCHAR(20), b INT) ENGINE=InnoDB");
        try (Connection c = server.connect(db)) {
            MigrationFixture.fill(c, "INSERT INTO t (a, b) VALUES (?, ?)", ROWS, i -> new Object[]{"row-" + i, i});
        }

        try (MetricsServer metrics = MetricsServer.start("127.0.0.1", 0)) {
            assertTrue(metrics.port() > 0, "port 0 picks a real port");
            Probe probe = new Probe(metrics.port());
            MigrationListener listener = MigrationListener.all(metrics.migrationMetrics(db, "t"), probe);

            MigrationResult result = new Migration(
                    MigrationFixture.config(server, db, "t", "ADD COLUMN note VARCHAR(20)").threads(1).build(), listener).execute();

            assertNull(probe.failure.get(), () -> "a scrape during the run failed: " + probe.failure.get());
            assertEquals(ROWS, result.rowsCopied());

            // every phase the migration entered was the one phase at 1 while it ran
            assertTrue(probe.atPhase.keySet().containsAll(java.util.List.of(Phase.PREFLIGHT, Phase.SETUP, Phase.COPY,
                    Phase.CUT_OVER, Phase.DONE)), probe.atPhase.keySet().toString());
            probe.atPhase.forEach((phase, s) -> {
                assertEquals(200, s.status());
                assertEquals(1.0, s.require("osc_phase", "phase", phase.label(), "database", db, "table", "t"), phase.label());
                assertEquals(1.0, s.samples().stream().filter(x -> x.name().equals("osc_phase"))
                        .mapToDouble(Scrape.Sample::value).sum(), "only " + phase.label() + " is 1:\n" + s.body());
            });

            Scrape mid = probe.duringCopy.get();
            assertNotNull(mid, "no scrape while copying");
            assertEquals(1.0, mid.require("osc_phase", "phase", "copy"));
            assertEquals(0.0, mid.require("osc_phase", "phase", "setup"));
            double copiedMid = mid.require("osc_rows_copied_total", "database", db, "table", "t");
            assertTrue(copiedMid > 0 && copiedMid < ROWS, "mid-copy rows copied " + copiedMid);
            assertTrue(mid.require("osc_rows_estimated") > 0, mid.body());
            assertTrue(mid.require("osc_chunk_duration_seconds_count") >= 4, mid.body());

            Scrape after = Scrape.get(metrics.port(), MetricsServer.PATH);
            assertEquals(200, after.status());
            assertEquals(MetricsServer.CONTENT_TYPE, after.contentType());
            assertEquals(1.0, after.require("osc_phase", "phase", "done"));
            assertEquals(0.0, after.require("osc_phase", "phase", "copy"));
            assertEquals(ROWS, after.require("osc_rows_copied_total", "database", db, "table", "t"));
            assertTrue(after.require("osc_rows_estimated") >= ROWS, after.body());
            assertEquals(0.0, after.require("osc_throttled"));
            assertTrue(after.require("osc_copy_rate_rows_per_second") > 0, after.body());

            double heap = after.samples().stream()
                    .filter(s -> s.name().equals("jvm_memory_used_bytes") && "heap".equals(s.labels().get("area")))
                    .mapToDouble(Scrape.Sample::value).sum();
            assertTrue(heap > 0, "no heap in:\n" + after.body());

            assertEquals(404, Scrape.get(metrics.port(), "/other").status());
        }
    }
}
