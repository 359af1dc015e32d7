package dev.osc.cli.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.osc.engine.metrics.MigrationMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Serves a registry in the Prometheus text format at {@code /metrics} over plain HTTP, for
 * {@code osc run --metrics-port}. Every other path answers 404. Its threads are daemons, so an
 * open server never keeps osc from exiting.
 */
public final class MetricsServer implements AutoCloseable {
    public static final String PATH = "/metrics";
    /** The format {@link PrometheusMeterRegistry#scrape()} writes; Prometheus reads it whatever it asked for. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    private static final Logger log = LoggerFactory.getLogger(MetricsServer.class);

    private final PrometheusMeterRegistry registry;
    private final boolean ownsRegistry;
    private final HttpServer server;
    private final ExecutorService executor;

    private MetricsServer(PrometheusMeterRegistry registry, boolean ownsRegistry, HttpServer server,
                          ExecutorService executor) {
        this.registry = registry;
        this.ownsRegistry = ownsRegistry;
        this.server = server;
        this.executor = executor;
    }

    /**
     * A new registry holding the JVM's memory metrics (peak heap is what users size osc by),
     * served on {@code bindAddress:port}.
     *
     * @param port 0 picks a free port; {@link #port()} tells which
     * @throws IOException naming the address when it cannot be bound (in use, unknown host)
     */
    public static MetricsServer start(String bindAddress, int port) throws IOException {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        try {
            return start(registry, bindAddress, port, true);
        } catch (IOException | RuntimeException e) {
            registry.close();
            throw e;
        }
    }

    /** Serves a registry the caller made and closes; {@link #close()} leaves it open. */
    public static MetricsServer start(PrometheusMeterRegistry registry, String bindAddress, int port) throws IOException {
        return start(registry, bindAddress, port, false);
    }

    private static MetricsServer start(PrometheusMeterRegistry registry, String bindAddress, int port, boolean owns)
            throws IOException {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(bindAddress), port), 0);
        } catch (IOException e) {
            throw new IOException("cannot serve metrics on " + bindAddress + ":" + port + ": " + e.getMessage(), e);
        }
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "osc-metrics-http");
            t.setDaemon(true);
            return t;
        });
        MetricsServer metrics = new MetricsServer(registry, owns, server, executor);
        server.createContext("/", metrics::handle);
        server.setExecutor(executor);
        startAsDaemon(server);
        return metrics;
    }

    /*
     * HttpServer's dispatcher thread is not made a daemon: it inherits the flag of the thread that
     * calls start(). Starting it from a daemon thread makes it one.
     */
    private static void startAsDaemon(HttpServer server) throws IOException {
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        Thread starter = new Thread(() -> {
            try {
                server.start();
            } catch (RuntimeException e) {
                failure.set(e);
            }
        }, "osc-metrics-start");
        starter.setDaemon(true);
        starter.start();
        try {
            starter.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.stop(0);
            throw new IOException("interrupted while starting the metrics server", e);
        }
        if (failure.get() != null) {
            throw failure.get();
        }
    }

    /** Meters for one migration in this server's registry; pass it to the migration as a listener. */
    public MigrationMetrics migrationMetrics(String database, String table) {
        return new MigrationMetrics(registry, database, table);
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** The address and port actually bound. */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    /** The port actually bound: the one asked for, or the free one picked for port 0. */
    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try {
            if (!PATH.equals(exchange.getRequestURI().getPath())) {
                sendText(exchange, 404, "not found; metrics are at " + PATH + "\n");
                return;
            }
            String method = exchange.getRequestMethod();
            if (!"GET".equals(method) && !"HEAD".equals(method)) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                sendText(exchange, 405, "use GET\n");
                return;
            }
            byte[] body;
            try {
                body = registry.scrape().getBytes(StandardCharsets.UTF_8);
            } catch (RuntimeException e) {
                log.warn("metrics scrape failed", e);
                sendText(exchange, 500, "scrape failed: " + e.getMessage() + "\n");
                return;
            }
            exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
            send(exchange, 200, body, "HEAD".equals(method));
        } finally {
            exchange.close();
        }
    }

    private static void sendText(HttpExchange exchange, int status, String text) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        send(exchange, status, text.getBytes(StandardCharsets.UTF_8), "HEAD".equals(exchange.getRequestMethod()));
    }

    private static void send(HttpExchange exchange, int status, byte[] body, boolean headOnly) throws IOException {
        // -1: no body; HEAD answers carry the headers only
        exchange.sendResponseHeaders(status, headOnly ? -1 : body.length);
        if (!headOnly) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    /** Stops serving at once; a scrape in flight is cut off. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (ownsRegistry) {
            registry.close();
        }
    }
}
