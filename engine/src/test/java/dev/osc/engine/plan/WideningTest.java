package dev.osc.engine.plan;

import dev.osc.engine.inspect.Column;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

class WideningTest {

    private static Column column(String type) {
        String t = type.toLowerCase();
        String base = t.split("[ (]", 2)[0];
        boolean text = base.contains("char") || base.contains("text");
        String charset = text ? (t.contains("latin1") ? "latin1" : "utf8mb4") : null;
        String collation = text ? (t.contains("latin1") ? "latin1_swedish_ci" : t.contains("_bin") ? "utf8mb4_bin" : "utf8mb4_general_ci") : null;
        String columnType = t.replace(" latin1", "").replace(" _bin", "");
        return new Column("c", 1, base, columnType, charset, collation, true, false, 0, null, false);
    }

    @ParameterizedTest(name = "{0} -> {1}: {2}")
    @CsvSource({
            "int, bigint, true", "bigint, int, false", "int unsigned, bigint, true", "int unsigned, int, false",
            "int, int unsigned, false", "tinyint unsigned, smallint unsigned, true",
            "varchar(10), varchar(20), true", "varchar(20), varchar(10), false", "varchar(10) latin1, varchar(20), false",
            "varchar(10), varchar(20) _bin, false", "char(5), char(8), true", "varchar(10), char(10), false",
            "text, mediumtext, true", "mediumtext, text, false", "varbinary(4), varbinary(8), true", "binary(4), binary(8), false",
            "'decimal(10,2)', 'decimal(12,4)', true", "'decimal(10,2)', 'decimal(10,4)', false", "'decimal(10,4)', 'decimal(10,2)', false",
            "datetime, datetime(6), true", "datetime(6), datetime, false", "time(3), time(6), true", "float, double, true",
            "double, float, false", "int, varchar(20), false", "date, datetime, false"})
    void decidesFromTheTypesAlone(String from, String to, boolean lossless) {
        assertEquals(lossless, Widening.lossless(column(from), column(to)));
    }
}
