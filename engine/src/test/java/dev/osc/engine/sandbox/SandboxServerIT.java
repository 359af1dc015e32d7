package dev.osc.engine.sandbox;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SandboxServerIT {
    private Path dir;
    private final List<SandboxServer> started = new ArrayList<>();

    @BeforeEach
    void createDir() {
        dir = Path.of("target").toAbsolutePath().resolve("sandbox-it-" + UUID.randomUUID().toString().substring(0, 8));
    }

    @AfterEach
    void cleanUp() throws IOException {
        started.forEach(SandboxServer::stop);
        try (Stream<Path> paths = Files.exists(dir) ? Files.walk(dir) : Stream.empty()) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    @Test
    void startsFindsAndStopsAServerInADirectory() throws Exception {
        SandboxServer server = start(0);
        assertTrue(server.port() > 0);
        assertTrue(server.isRunning());
        assertTrue(Files.exists(dir.resolve("sandbox.properties")));
        assertEquals("ON", variable(server, "log_bin"));
        assertEquals("ROW", variable(server, "binlog_format"));
        assertEquals("FULL", variable(server, "binlog_row_image"));
        assertEquals("FULL", variable(server, "binlog_row_metadata"));
        assertEquals("500", variable(server, "max_connections"));
        assertEquals("20", variable(server, "innodb_lock_wait_timeout"));

        // Another process only has the directory: find() must lead it to the same server.
        SandboxServer found = SandboxServer.find(dir).orElseThrow();
        assertEquals(server.pid(), found.pid());
        assertEquals(server.port(), found.port());

        ProcessHandle process = ProcessHandle.of(server.pid()).orElseThrow();
        found.stop();
        assertFalse(process.isAlive());
        assertFalse(server.isRunning());
        assertEquals(Optional.empty(), SandboxServer.find(dir));
        assertFalse(Files.exists(dir.resolve("sandbox.properties")));
    }

    @Test
    void restartKeepsTheDataDirectory() throws Exception {
        SandboxServer first = start(0);
        exec(first, "CREATE DATABASE kept", "CREATE TABLE kept.t (id INT PRIMARY KEY)", "INSERT INTO kept.t VALUES (7)");
        first.stop();

        SandboxServer second = start(0);
        assertEquals("7", query(second, "SELECT id FROM kept.t"));
    }

    @Test
    void portZeroPicksDifferentFreePorts() throws Exception {
        SandboxServer a = start(0);
        Path firstDir = dir;
        dir = firstDir.resolveSibling(firstDir.getFileName() + "-b");
        try {
            SandboxServer b = start(0);
            assertNotEquals(a.port(), b.port());
            assertEquals("1", query(b, "SELECT 1"));
            b.stop();
        } finally {
            cleanUp();
            dir = firstDir;
        }
    }

    @Test
    void aPortInUseFailsClearlyAndLeavesNoProcess() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(LocalPorts.loopback(), 0));
            int port = taken.getLocalPort();

            PortInUseException e = assertThrows(PortInUseException.class, () -> SandboxServer.start(dir, port));
            assertEquals(port, e.port());
            assertTrue(e.getMessage().contains("Port " + port + " on 127.0.0.1 is already in use"), e.getMessage());
        }
        assertEquals(Optional.empty(), SandboxServer.find(dir));
        assertFalse(serverProcessFor(dir), "a mariadbd for " + dir + " is still running");
    }

    @Test
    void aPortTakenAfterTheCheckIsReportedFromTheServerLog() throws Exception {
        // Skips start()'s own check to reach the race where the port goes between check and bind.
        SandboxStarter starter = new SandboxStarter(MariaDbBinaries.locate(), new SandboxLayout(dir));
        Files.createDirectories(dir);
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(LocalPorts.loopback(), 0));
            int port = taken.getLocalPort();

            PortInUseException e = assertThrows(PortInUseException.class, () -> starter.start(port));
            assertEquals(port, e.port());
        }
        assertFalse(serverProcessFor(dir), "a mariadbd for " + dir + " is still running");
    }

    @Test
    void startingTwiceInOneDirectoryIsRefused() {
        SandboxServer server = start(0);
        SandboxException e = assertThrows(SandboxException.class, () -> SandboxServer.start(dir, 0));
        assertTrue(e.getMessage().contains("already running"), e.getMessage());
        assertTrue(server.isRunning());
    }

    @Test
    void findIgnoresMissingAndStaleProperties() throws IOException {
        assertEquals(Optional.empty(), SandboxServer.find(dir));

        // A PID that is alive but not a mariadbd for this directory: this very JVM.
        Files.createDirectories(dir);
        new SandboxProperties(3307, ProcessHandle.current().pid(), dir.resolve("data")).write(dir.resolve("sandbox.properties"));
        assertEquals(Optional.empty(), SandboxServer.find(dir));
    }

    @Test
    void extraArgumentsOverrideOscsOwnAndSeeThePort() throws Exception {
        SandboxServer server = SandboxServer.start(dir, 0,
                port -> List.of("--server-id=7", "--report-port=" + port));
        started.add(server);
        assertEquals("7", variable(server, "server_id"));
        assertEquals(Integer.toString(server.port()), variable(server, "report_port"));
        assertEquals("ROW", variable(server, "binlog_format")); // the rest stays as osc sets it
    }

    @Test
    void connectHintNamesThePort() {
        SandboxServer server = start(0);
        assertTrue(server.connectHint().contains("mariadb -h127.0.0.1 -P" + server.port() + " -uroot"));
        assertTrue(server.connectHint().contains("--port " + server.port()));
        assertFalse(server.jdbcUrl().contains("password"));
    }

    private SandboxServer start(int port) {
        SandboxServer server = SandboxServer.start(dir, port);
        started.add(server);
        return server;
    }

    private static boolean serverProcessFor(Path dir) {
        return ProcessHandle.allProcesses()
                .anyMatch(p -> p.info().commandLine().map(cl -> cl.contains(dir.toString())).orElse(false));
    }

    private static String variable(SandboxServer server, String name) throws SQLException {
        try (Connection c = DriverManager.getConnection(server.jdbcUrl(), "root", "");
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SHOW GLOBAL VARIABLES LIKE '" + name + "'")) {
            assertTrue(rs.next(), "no variable " + name);
            return rs.getString(2).toUpperCase();
        }
    }

    private static String query(SandboxServer server, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(server.jdbcUrl(), "root", "");
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static void exec(SandboxServer server, String... sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(server.jdbcUrl(), "root", "");
             Statement st = c.createStatement()) {
            for (String s : sql) {
                st.execute(s);
            }
        }
    }
}
