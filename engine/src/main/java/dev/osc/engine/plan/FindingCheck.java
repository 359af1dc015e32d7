package dev.osc.engine.plan;

import java.sql.SQLException;
import java.util.List;

/** One kind of finding. It reads the source and may use the empty probe table; it changes nothing else. */
public interface FindingCheck {
    List<Finding> check(FindingContext context) throws SQLException;
}
