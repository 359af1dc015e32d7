package dev.osc.engine.repl;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LoggedStatementTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "BEGIN | BEGIN",
            "XA START X'7831',X'',1 | BEGIN",
            "COMMIT | END",
            "ROLLBACK | END",
            "  rollback ; | END",
            "SAVEPOINT `s1` | SAVEPOINT",
            "ROLLBACK TO `s1` | SAVEPOINT",
            "ROLLBACK TO SAVEPOINT s1 | SAVEPOINT",
            "RELEASE SAVEPOINT `s1` | SAVEPOINT",
            "UPDATE tv SET v = 999 WHERE id = 500 | DML",
            "insert into audit values (500) | DML",
            "/* app=billing */ DELETE FROM other WHERE id = 1 | DML",
            "-- note\\nREPLACE INTO x VALUES (1) | DML",
            "SELECT `db`.`f`(1) | DML",
            "DO f() | DML",
            "CALL p() | DML",
            "WITH a AS (SELECT 1) SELECT * FROM a | DML",
            "LOAD DATA INFILE 'x' INTO TABLE t | DML",
            "/*!40000 ALTER TABLE `t` DISABLE KEYS */ | OTHER",
            "/*!50001 INSERT INTO x VALUES (1) */ | DML",
            "ALTER TABLE t ADD COLUMN c INT | OTHER",
            "CREATE TABLE `t_osc_new` LIKE `t` | OTHER",
            "RENAME TABLE a TO b | OTHER",
            "GRANT SELECT ON *.* TO x | OTHER",
            "XA PREPARE X'31' | OTHER",
            "RELEASE_LOCK('x') | OTHER",
            "/* unterminated | OTHER",
    })
    void classifiesByTheFirstKeyword(String sql, LoggedStatement expected) {
        assertEquals(expected, LoggedStatement.of(sql.replace("\\n", "\n")), sql);
    }
}
