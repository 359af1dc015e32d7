package dev.osc.cli.metrics;

import dev.osc.engine.Phase;
import dev.osc.engine.metrics.MigrationMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The HTTP side of the metrics endpoint, without a database. */
class MetricsServerTest {
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    private static HttpResponse<String> send(int port, String method, String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).build();
        return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void servesPrometheusTextAtMetricsAndNothingElse() throws Exception {
        try (MetricsServer server = MetricsServer.start("127.0.0.1", 0)) {
            MigrationMetrics metrics = server.migrationMetrics("shop", "orders");
            metrics.phase(Phase.CHECKSUM, "comparing");

            Scrape s = Scrape.get(server.port(), "/metrics");
            assertEquals(200, s.status());
            assertEquals("text/plain; version=0.0.4; charset=utf-8", s.contentType());
            assertEquals(1.0, s.require("osc_phase", "database", "shop", "table", "orders", "phase", "checksum"));
            assertTrue(s.body().contains("# TYPE osc_phase gauge"), s.body());

            for (String other : List.of("/", "/other", "/metricsx", "/metrics/x")) {
                assertEquals(404, Scrape.get(server.port(), other).status(), other);
            }
            HttpResponse<String> post = send(server.port(), "POST", "/metrics");
            assertEquals(405, post.statusCode());
            assertEquals("GET, HEAD", post.headers().firstValue("Allow").orElse(""));
            HttpResponse<String> head = send(server.port(), "HEAD", "/metrics");
            assertEquals(200, head.statusCode());
            assertEquals("", head.body());
        }
    }

    @Test
    void theOwnRegistryHoldsJvmHeapMetrics() throws Exception {
        try (MetricsServer server = MetricsServer.start("127.0.0.1", 0)) {
            Scrape s = Scrape.get(server.port(), MetricsServer.PATH);
            double heapUsed = s.samples().stream()
                    .filter(x -> x.name().equals("jvm_memory_used_bytes") && "heap".equals(x.labels().get("area")))
                    .mapToDouble(Scrape.Sample::value).sum();
            assertTrue(heapUsed > 0, s.body());
            assertTrue(s.samples().stream().anyMatch(x -> x.name().equals("jvm_memory_max_bytes")), s.body());
        }
    }

    @Test
    void itsThreadsAreDaemonsSoTheyNeverKeepOscRunning() throws Exception {
        try (MetricsServer server = MetricsServer.start("127.0.0.1", 0)) {
            assertEquals(200, Scrape.get(server.port(), MetricsServer.PATH).status());
            List<Thread> threads = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().equals("HTTP-Dispatcher") || t.getName().equals("osc-metrics-http"))
                    .toList();
            assertTrue(threads.stream().anyMatch(t -> t.getName().equals("HTTP-Dispatcher")), threads.toString());
            assertTrue(threads.stream().anyMatch(t -> t.getName().equals("osc-metrics-http")), threads.toString());
            threads.forEach(t -> assertTrue(t.isDaemon(), t.getName() + " is not a daemon"));
        }
    }

    @Test
    void aTakenPortFailsNamingTheAddress() throws Exception {
        try (MetricsServer first = MetricsServer.start("127.0.0.1", 0)) {
            IOException e = assertThrows(IOException.class, () -> MetricsServer.start("127.0.0.1", first.port()));
            assertTrue(e.getMessage().contains("127.0.0.1:" + first.port()), e.getMessage());
        }
    }

    @Test
    void closeStopsServingAndLeavesACallersRegistryOpen() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        int port;
        try (MetricsServer server = MetricsServer.start(registry, "127.0.0.1", 0)) {
            port = server.port();
            assertEquals(200, Scrape.get(port, MetricsServer.PATH).status());
        }
        assertThrows(ConnectException.class, () -> Scrape.get(port, MetricsServer.PATH));
        assertFalse(registry.isClosed(), "the caller's registry is the caller's to close");
        registry.close();
    }
}
