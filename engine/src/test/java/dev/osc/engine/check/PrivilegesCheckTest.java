package dev.osc.engine.check;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PrivilegesCheckTest {

    @Test
    void splitsAPrivilegeList() {
        assertEquals(List.of("SELECT", "INSERT", "UPDATE", "DELETE"),
                List.copyOf(PrivilegesCheck.split("SELECT, INSERT, UPDATE, DELETE")));
    }

    @Test
    void splitKeepsMultiWordPrivilegesWhole() {
        assertEquals(Set.of("LOCK TABLES", "CREATE TEMPORARY TABLES", "REPLICATION SLAVE", "BINLOG MONITOR"),
                PrivilegesCheck.split("LOCK TABLES, CREATE TEMPORARY TABLES, REPLICATION SLAVE, BINLOG MONITOR"));
    }

    @Test
    void splitUpperCasesAndTrims() {
        assertEquals(Set.of("SELECT", "LOCK TABLES"), PrivilegesCheck.split("  select ,lock tables  "));
    }

    @Test
    void splitReadsAllPrivileges() {
        assertEquals(Set.of("ALL PRIVILEGES"), PrivilegesCheck.split("ALL PRIVILEGES"));
    }

    @Test
    void columnLevelGrantsDoNotCount() {
        Set<String> p = PrivilegesCheck.split("SELECT, UPDATE (a, b), INSERT (c), DELETE");
        assertEquals(Set.of("SELECT", "DELETE"), p);
        assertFalse(p.contains("UPDATE"));
        assertFalse(p.stream().anyMatch(s -> s.contains("(") || s.contains(")")), p.toString());
    }

    @Test
    void splitOfAnEmptyListIsEmpty() {
        assertTrue(PrivilegesCheck.split("").isEmpty());
        assertTrue(PrivilegesCheck.split(" , ").isEmpty());
    }

    @Test
    void exactDatabaseScope() {
        assertTrue(PrivilegesCheck.scopeCoversDatabase("`shop`.*", "shop"));
        assertTrue(PrivilegesCheck.scopeCoversDatabase("shop.*", "shop"));
        assertFalse(PrivilegesCheck.scopeCoversDatabase("`shop`.*", "shop2"));
        assertFalse(PrivilegesCheck.scopeCoversDatabase("`shop`.*", "sho"));
        assertFalse(PrivilegesCheck.scopeCoversDatabase("`other`.*", "shop"));
    }

    @Test
    void tableScopeIsNotADatabaseScope() {
        assertFalse(PrivilegesCheck.scopeCoversDatabase("`shop`.`orders`", "shop"));
        assertFalse(PrivilegesCheck.scopeCoversDatabase("`shop`.orders", "shop"));
    }

    @Test
    void globalScopeIsNotADatabaseScopeHere() {
        assertFalse(PrivilegesCheck.scopeCoversDatabase("*.*", "shop"));
        assertFalse(PrivilegesCheck.scopeCoversDatabase("*.*", "x"));
    }

    @Test
    void percentMatchesAnyRun() {
        assertTrue(PrivilegesCheck.scopeCoversDatabase("`app%`.*", "app"));
        assertTrue(PrivilegesCheck.scopeCoversDatabase("`app%`.*", "application"));
        assertTrue(PrivilegesCheck.scopeCoversDatabase("`%`.*", "anything"));
        assertTrue(PrivilegesCheck.scopeCoversDatabase("`a%z`.*", "a_middle_z"));
        assertFalse(PrivilegesCheck.scopeCoversDatabase("`app%`.*", "myapp"));
        assertFalse(PrivilegesCheck.scopeCoversDatabase("`a%z`.*", "a_middle_y"));
    }

    @Test
    void underscoreMatchesExactlyOneCharacter() {
        assertTrue(PrivilegesCheck.scopeCoversDatabase("`app_1`.*", "app_1"));
        assertTrue(PrivilegesCheck.scopeCoversDatabase("`app_1`.*", "appX1"));
        assertFalse(PrivilegesCheck.scopeCoversDatabase("`app_1`.*", "app1"));
        assertFalse(PrivilegesCheck.scopeCoversDatabase("`app_1`.*", "app__1"));
    }

    @Test
    void escapedUnderscoreIsLiteral() {
        assertTrue(PrivilegesCheck.scopeCoversDatabase("`app\\_%`.*", "app_prod"));
        assertTrue(PrivilegesCheck.scopeCoversDatabase("`app\\_%`.*", "app_"));
        assertFalse(PrivilegesCheck.scopeCoversDatabase("`app\\_%`.*", "appXprod"));
        assertTrue(PrivilegesCheck.scopeCoversDatabase("`my\\_db`.*", "my_db"));
        assertFalse(PrivilegesCheck.scopeCoversDatabase("`my\\_db`.*", "myXdb"));
    }

    @Test
    void escapedPercentIsLiteral() {
        assertTrue(PrivilegesCheck.scopeCoversDatabase("`100\\%`.*", "100%"));
        assertFalse(PrivilegesCheck.scopeCoversDatabase("`100\\%`.*", "1000"));
    }

    @Test
    void regexCharactersInTheNameAreLiteral() {
        assertTrue(PrivilegesCheck.scopeCoversDatabase("`my.db`.*", "my.db"));
        assertFalse(PrivilegesCheck.scopeCoversDatabase("`my.db`.*", "myXdb"));
        assertTrue(PrivilegesCheck.scopeCoversDatabase("`a+b`.*", "a+b"));
        assertFalse(PrivilegesCheck.scopeCoversDatabase("`a+b`.*", "aab"));
        assertTrue(PrivilegesCheck.scopeCoversDatabase("`a$(b)`.*", "a$(b)"));
    }

    @Test
    void doubledBackticksInAQuotedName() {
        assertTrue(PrivilegesCheck.scopeCoversDatabase("`we``ird`.*", "we`ird"));
        assertFalse(PrivilegesCheck.scopeCoversDatabase("`we``ird`.*", "we``ird"));
    }
}
