package dev.osc.engine.check;

import dev.osc.engine.cutover.TableNames;
import dev.osc.engine.db.ServerInfo;
import dev.osc.engine.inspect.Inspector;
import dev.osc.engine.inspect.TableInfo;

import java.sql.Connection;
import java.util.Optional;

/** What a preflight check may look at. Checks only read. */
public record CheckContext(Connection connection, ServerInfo server, Inspector inspector, String database,
                           String table, Optional<TableInfo> tableInfo, TableNames names) {
}
