package dev.osc.testing;

import dev.osc.engine.sandbox.SandboxServer;

import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * Chooses and starts the server for a test run, in this order: the server named by
 * {@value #JDBC_URL_ENV}, a container of the image named by {@value #DOCKER_IMAGE_ENV}, or a
 * local MariaDB sandbox on a free port.
 */
final class TestServerLauncher {
    static final String JDBC_URL_ENV = "OSC_TEST_JDBC_URL";
    static final String DOCKER_IMAGE_ENV = "OSC_TEST_DOCKER_IMAGE";

    /** How to get rid of a server at the end of the run. */
    @FunctionalInterface
    interface Stopper {
        void stop() throws IOException;
    }

    /** A started server and its {@link Stopper}. */
    record Launched(TestServer server, Stopper stopper) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            stopper.stop();
        }
    }

    private static volatile Optional<String> dockerUnavailable;

    private TestServerLauncher() {
    }

    static Launched launch() {
        Optional<String> url = env(JDBC_URL_ENV);
        if (url.isPresent()) {
            return external(url.get());
        }
        Optional<String> image = env(DOCKER_IMAGE_ENV);
        if (image.isPresent()) {
            return ContainerServers.start(image.get());
        }
        return sandbox();
    }

    /** Whether {@link #launch()} starts a local MariaDB sandbox, the only kind a test can add a replica to. */
    static boolean launchesLocalSandbox() {
        return env(JDBC_URL_ENV).isEmpty() && env(DOCKER_IMAGE_ENV).isEmpty();
    }

    /** Why tests cannot run here: a Docker image was asked for but there is no Docker engine. */
    static Optional<String> dockerUnavailableReason() {
        if (env(JDBC_URL_ENV).isPresent() || env(DOCKER_IMAGE_ENV).isEmpty()) {
            return Optional.empty();
        }
        Optional<String> reason = dockerUnavailable;
        if (reason == null) {
            reason = ContainerServers.isDockerAvailable()
                    ? Optional.empty()
                    : Optional.of(ContainerServers.noDockerMessage(env(DOCKER_IMAGE_ENV).orElseThrow()));
            dockerUnavailable = reason;
        }
        return reason;
    }

    /** Connector/J settings for a test server without TLS; MySQL 8 logins need the public key then. */
    static Map<String, String> defaultUrlParameters() {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("useSSL", "false");
        params.put("allowPublicKeyRetrieval", "true");
        return params;
    }

    /** A server someone else runs: use it as it is, never stop it. */
    private static Launched external(String url) {
        URI uri = URI.create(url.startsWith("jdbc:") ? url.substring("jdbc:".length()) : url);
        String host = uri.getHost() == null ? "127.0.0.1" : uri.getHost();
        int port = uri.getPort() < 0 ? 3306 : uri.getPort();
        Map<String, String> params = new LinkedHashMap<>();
        if (uri.getRawQuery() != null) {
            for (String pair : uri.getRawQuery().split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    params.put(pair.substring(0, eq), pair.substring(eq + 1));
                }
            }
        }
        String user = Optional.ofNullable(params.remove("user")).map(TestServerLauncher::decode).orElse("root");
        String password = Optional.ofNullable(params.remove("password")).map(TestServerLauncher::decode).orElse("");
        if (!params.containsKey("useSSL") && !params.containsKey("sslMode")) {
            params.put("useSSL", "false");
        }
        params.putIfAbsent("allowPublicKeyRetrieval", "true");
        return new Launched(new TestServer(host, port, user, password, params), () -> { });
    }

    /** A throwaway MariaDB under target/, removed with its data when the run ends. */
    private static Launched sandbox() {
        Path dir = Path.of("target").toAbsolutePath().resolve(
                "test-server-" + ProcessHandle.current().pid() + "-" + randomSuffix());
        SandboxServer sandbox = SandboxServer.start(dir, 0).registerShutdownHook();
        try {
            TestServer server = new TestServer("127.0.0.1", sandbox.port(), "root", "", defaultUrlParameters());
            return new Launched(server, () -> {
                sandbox.stop();
                deleteRecursively(dir);
            });
        } catch (RuntimeException e) {
            sandbox.stop();
            throw e;
        }
    }

    private static Optional<String> env(String name) {
        return Optional.ofNullable(System.getenv(name)).map(String::trim).filter(v -> !v.isEmpty());
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    private static String randomSuffix() {
        return Long.toString(ThreadLocalRandom.current().nextLong(1L << 30, 1L << 40), 36);
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
