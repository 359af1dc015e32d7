package dev.osc.throttler.lag;

import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLSyntaxErrorException;
import java.util.List;

import static dev.osc.throttler.lag.FakeServer.row;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ReplicaDiscoveryTest {

    @Test
    void mariaDbListsSlaveHostsWithAReportedHost() throws SQLException {
        FakeServer primary = new FakeServer("10.11.19-MariaDB-log").answer((sql, params) -> {
            assertEquals("SHOW SLAVE HOSTS", sql);
            return List.of(
                    row("Server_id", 2, "Host", "127.0.0.1", "Port", 3307),
                    row("Server_id", 3, "Host", "db3", "Port", 3306),
                    row("Server_id", 4, "Host", "", "Port", 3306),
                    row("Server_id", 5, "Host", "db3", "Port", 3306));
        });
        try (Connection c = primary.open()) {
            assertEquals(List.of(new ReplicaAddress("127.0.0.1", 3307), new ReplicaAddress("db3", 3306)),
                    ReplicaDiscovery.discover(c));
        }
    }

    @Test
    void mysqlListsReplicas() throws SQLException {
        FakeServer primary = new FakeServer("8.4.6").answer((sql, params) -> {
            assertEquals("SHOW REPLICAS", sql);
            return List.of(row("Host", "db2", "Port", 3306));
        });
        try (Connection c = primary.open()) {
            assertEquals(List.of(new ReplicaAddress("db2", 3306)), ReplicaDiscovery.discover(c));
        }
    }

    @Test
    void olderMysqlFallsBackToSlaveHosts() throws SQLException {
        FakeServer primary = new FakeServer("8.0.20").answer((sql, params) -> {
            if (sql.equals("SHOW REPLICAS")) {
                throw new SQLSyntaxErrorException("You have an error in your SQL syntax", "42000", 1064);
            }
            return List.of(row("Host", "db2", "Port", 3310));
        });
        try (Connection c = primary.open()) {
            assertEquals(List.of(new ReplicaAddress("db2", 3310)), ReplicaDiscovery.discover(c));
        }
        assertEquals(List.of("SHOW REPLICAS", "SHOW SLAVE HOSTS"), primary.executed);
    }

    @Test
    void otherErrorsAreNotHidden() throws SQLException {
        FakeServer primary = new FakeServer("8.4.6").answer((sql, params) -> {
            throw new SQLException("Access denied; you need the REPLICATION SLAVE privilege", "42000", 1227);
        });
        try (Connection c = primary.open()) {
            SQLException e = assertThrows(SQLException.class, () -> ReplicaDiscovery.discover(c));
            assertEquals(1227, e.getErrorCode());
        }
    }
}
