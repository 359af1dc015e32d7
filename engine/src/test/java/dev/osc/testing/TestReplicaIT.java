package dev.osc.testing;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.Callable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(TestServerExtension.class)
class TestReplicaIT {
    private static final Duration WAIT = Duration.ofSeconds(15);

    private final TestServer primary;

    TestReplicaIT(TestServer primary) {
        this.primary = primary;
    }

    @Test
    void replicatesTheChosenDatabaseAppliesOnlyWhileTheSqlThreadRunsAndStopsByPid() throws Exception {
        String db = "replica_it_" + System.nanoTime();
        String other = "replica_it_other_" + System.nanoTime();
        long pid;
        Path dir;
        try (TestReplica replica = TestReplica.start(primary, db)) {
            pid = replica.pid();
            dir = Path.of(query(replica, "SELECT @@datadir")).getParent();
            assertNotEquals(query(primary, "SELECT @@server_id"), query(replica, "SELECT @@server_id"));
            assertEquals("127.0.0.1", query(replica, "SELECT @@report_host"));
            assertEquals(Integer.toString(replica.port()), query(replica, "SELECT @@report_port"));
            assertEquals("1", query(replica, "SELECT @@log_bin"));

            primary.exec(null, "CREATE DATABASE `" + db + "`", "CREATE TABLE `" + db + "`.t (id INT PRIMARY KEY)",
                    "INSERT INTO `" + db + "`.t VALUES (1)",
                    "CREATE DATABASE `" + other + "`", "CREATE TABLE `" + other + "`.t (id INT PRIMARY KEY)");
            await(() -> "1".equals(query(replica, "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = '"
                    + db + "'")) && "1".equals(query(replica, "SELECT COUNT(*) FROM `" + db + "`.t")));

            replica.stopSqlThread();
            assertEquals("No", slaveStatus(replica, "Slave_SQL_Running"));
            assertEquals("Yes", slaveStatus(replica, "Slave_IO_Running"));
            primary.exec(null, "INSERT INTO `" + db + "`.t VALUES (2)");
            Thread.sleep(300); // time in which a running SQL thread would have applied it
            assertEquals("1", query(replica, "SELECT COUNT(*) FROM `" + db + "`.t"));

            replica.startSqlThread();
            await(() -> "2".equals(query(replica, "SELECT COUNT(*) FROM `" + db + "`.t")));
            assertEquals("0", query(replica, "SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name = '"
                    + other + "'"), "databases not asked for are not replicated");
            assertEquals("Yes", slaveStatus(replica, "Slave_SQL_Running"));
        } finally {
            primary.exec(null, "DROP DATABASE IF EXISTS `" + db + "`", "DROP DATABASE IF EXISTS `" + other + "`");
        }
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "the replica's mariadbd has exited");
        assertFalse(Files.exists(dir), "its files are gone: " + dir);
    }

    private static String query(TestReplica replica, String sql) throws SQLException {
        try (Connection c = replica.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static String query(TestServer server, String sql) throws SQLException {
        try (Connection c = server.connect(null); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static String slaveStatus(TestReplica replica, String column) throws SQLException {
        try (Connection c = replica.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SHOW SLAVE STATUS")) {
            assertTrue(rs.next(), "no replication configured");
            return rs.getString(column);
        }
    }

    private static void await(Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.call()) {
            assertTrue(System.nanoTime() < deadline, "not within " + WAIT.toSeconds() + " s");
            Thread.sleep(50);
        }
    }
}
