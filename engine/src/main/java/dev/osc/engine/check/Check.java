package dev.osc.engine.check;

import java.sql.SQLException;
import java.util.List;

/** One preflight check. It reads the server and reports problems; it never changes anything. */
public interface Check {
    List<Problem> run(CheckContext context) throws SQLException;
}
