package dev.osc.engine.plan;

import dev.osc.engine.alter.AlterSpec;
import dev.osc.engine.alter.ColumnMapping;
import dev.osc.engine.inspect.TableInfo;

import java.sql.Connection;

/**
 * What a finding check may look at. {@code probe} is a TEMPORARY table in {@code connection}'s
 * session, created LIKE the source and with the ALTER applied, so it has the new schema and no
 * rows; checks may fill and empty it, and must use {@code connection} to see it.
 *
 * @param probe  the quoted name of the temporary table ({@code `db`.`name`})
 * @param target the structure of the probe, i.e. of the table after the change
 */
public record FindingContext(Connection connection, TableInfo source, TableInfo target, String probe, AlterSpec alter,
                             ColumnMapping mapping) {
}
