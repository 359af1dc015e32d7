package dev.osc.engine.cutover;

import dev.osc.engine.ConnectionConfig;
import dev.osc.testing.TestServer;
import dev.osc.testing.TestServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The swap is atomic: no write queued behind the lock lands in the old table. */
@ExtendWith(TestServerExtension.class)
class CutOverIT {
    private final TestServer server;

    CutOverIT(TestServer server) {
        this.server = server;
    }

    @Test
    void writesQueuedDuringTheSwapLandInTheNewTable() throws Exception {
        String db = server.createDatabase("swap");
        TableNames names = TableNames.of("t", LocalDateTime.now());
        server.exec(db, "CREATE TABLE t (id INT PRIMARY KEY, v BIGINT)", "INSERT INTO t VALUES (1, 0), (2, 0), (3, 0), (4, 0)",
                "CREATE TABLE " + names.shadow() + " LIKE t");
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong commits = new AtomicLong();
        List<Thread> writers = new ArrayList<>();
        for (int w = 1; w <= 4; w++) {
            int id = w;
            Thread t = new Thread(() -> {
                try (Connection c = server.connect(db); Statement st = c.createStatement()) {
                    while (!stop.get()) {
                        st.executeUpdate("UPDATE t SET v = v + 1 WHERE id = " + id);
                        commits.incrementAndGet();
                    }
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            t.start();
            writers.add(t);
        }
        while (commits.get() < 200) {
            Thread.sleep(1);
        }
        long[] atLock = new long[1];
        ConnectionConfig cc = new ConnectionConfig(server.host(), server.port(), server.user(), server.password());
        new CutOver(cc, db, names, Duration.ofSeconds(3), 3, Duration.ofMillis(100), a -> {
            // copy the locked table's state into the shadow, as the drain would
            try (Statement st = a.createStatement()) {
                st.execute("INSERT INTO `" + db + "`.`" + names.shadow() + "` SELECT * FROM `" + db + "`.t");
                try (ResultSet rs = st.executeQuery("SELECT SUM(v) FROM `" + db + "`.t")) {
                    rs.next();
                    atLock[0] = rs.getLong(1);
                }
            }
            Thread.sleep(50);
        }, System.out::println).run();
        Thread.sleep(200);
        stop.set(true);
        for (Thread t : writers) {
            t.join();
        }
        try (Connection c = server.connect(db); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT SUM(v) FROM `" + names.old() + "`")) {
            rs.next();
            assertEquals(atLock[0], rs.getLong(1), "no write reached the old table after the lock");
        }
    }
}
