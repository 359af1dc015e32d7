package dev.osc.throttler.lag;

import org.junit.jupiter.api.Test;

import java.sql.SQLException;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SqlErrorsTest {

    @Test
    void describeKeepsTheFirstLineAndTheRootCause() {
        SQLException e = new SQLException("Communications link failure\n\nThe last packet...",
                new RuntimeException("wrapper", new java.net.SocketTimeoutException("Read timed out")));
        assertEquals("Communications link failure (Read timed out)", SqlErrors.describe(e));
        assertEquals("SQLException", SqlErrors.describe(new SQLException()));
    }
}
