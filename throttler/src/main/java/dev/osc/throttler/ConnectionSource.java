package dev.osc.throttler;

import java.sql.Connection;
import java.sql.SQLException;

/** Opens a new connection to one server; the caller closes it. Keeps this module free of drivers and pools. */
@FunctionalInterface
public interface ConnectionSource {
    Connection open() throws SQLException;
}
