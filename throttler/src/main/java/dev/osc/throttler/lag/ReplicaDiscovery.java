package dev.osc.throttler.lag;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Lists the replicas a primary knows of, so that osc can watch their lag without being told.
 *
 * <p>Runs {@code SHOW SLAVE HOSTS} on MariaDB and {@code SHOW REPLICAS} on MySQL 8.0.22 and later
 * (falling back to {@code SHOW SLAVE HOSTS} on older MySQL). Both list only replicas that are
 * connected and registered with the address they announce: a replica without {@code report_host}
 * is missing from the list (MariaDB) or listed without a host (MySQL), and is left out here. Such
 * replicas must be given with {@code --replica host:port}. The port is {@code report_port}, which
 * defaults to the replica's own port.
 *
 * <p>The user needs {@code REPLICATION MASTER ADMIN} (MariaDB 10.5.2+) or {@code REPLICATION
 * SLAVE} (MySQL) for these statements.
 */
public final class ReplicaDiscovery {
    private static final int ER_PARSE_ERROR = 1064;

    private ReplicaDiscovery() {
    }

    /** The replicas registered with the primary behind {@code primary}, without duplicates, in the server's order. */
    public static List<ReplicaAddress> discover(Connection primary) throws SQLException {
        boolean mariaDb = primary.getMetaData().getDatabaseProductVersion().contains("MariaDB");
        if (mariaDb) {
            return list(primary, "SHOW SLAVE HOSTS");
        }
        try {
            return list(primary, "SHOW REPLICAS");
        } catch (SQLException e) {
            if (e.getErrorCode() != ER_PARSE_ERROR) {
                throw e;
            }
            return list(primary, "SHOW SLAVE HOSTS"); // MySQL before 8.0.22
        }
    }

    private static List<ReplicaAddress> list(Connection primary, String sql) throws SQLException {
        Set<ReplicaAddress> found = new LinkedHashSet<>();
        try (Statement st = primary.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                String host = rs.getString("Host");
                int port = rs.getInt("Port");
                if (host != null && !host.isBlank() && port > 0) {
                    found.add(new ReplicaAddress(host.trim(), port));
                }
            }
        }
        return new ArrayList<>(found);
    }
}
