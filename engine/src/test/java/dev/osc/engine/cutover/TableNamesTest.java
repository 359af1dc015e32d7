package dev.osc.engine.cutover;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TableNamesTest {
    private static final LocalDateTime NOW = LocalDateTime.of(2024, 3, 7, 9, 5, 2);

    @Test
    void shortNamesGetThePlainSuffixes() {
        TableNames n = TableNames.of("orders", NOW);
        assertEquals("orders", n.source());
        assertEquals("orders_osc_new", n.shadow());
        assertEquals("orders_osc_old_20240307_090502", n.old());
    }

    @Test
    void timestampIsZeroPaddedAndTwentyFourHour() {
        TableNames n = TableNames.of("t", LocalDateTime.of(2031, 12, 31, 23, 59, 59));
        assertEquals("t_osc_old_20311231_235959", n.old());
    }

    @Test
    void nameThatJustFitsIsNotShortened() {
        String table = "a".repeat(64 - "_osc_new".length());
        assertEquals(table + "_osc_new", TableNames.of(table, NOW).shadow());
    }

    @Test
    void nameOneCharacterTooLongIsShortened() {
        String table = "a".repeat(64 - "_osc_new".length() + 1);
        String shadow = TableNames.of(table, NOW).shadow();
        assertEquals(64, shadow.length());
        assertTrue(shadow.endsWith("_osc_new"), shadow);
        // the character at the cut is bumped to the next one ('a' to 'b') so the name still sorts after the table
        assertEquals("a".repeat(49) + "b", shadow.substring(0, 50), shadow);
    }

    @Test
    void namesOfA64CharacterTableStayWithin64Characters() {
        String base = "customer_order_line_item_adjustment_history_archive_2024_";
        String table = base + "p".repeat(64 - base.length());
        assertEquals(64, table.length());
        TableNames n = TableNames.of(table, NOW);
        assertTrue(n.shadow().length() <= 64, n.shadow() + " has " + n.shadow().length() + " characters");
        assertTrue(n.old().length() <= 64, n.old() + " has " + n.old().length() + " characters");
        assertTrue(n.shadow().endsWith("_osc_new"), n.shadow());
        assertTrue(n.old().endsWith("_osc_old_20240307_090502"), n.old());
        assertTrue(n.shadow().startsWith(table.substring(0, 30)), n.shadow());
        assertTrue(n.old().startsWith(table.substring(0, 30)), n.old());
        assertEquals(table, n.source());
    }

    @Test
    void longNamesSharingAPrefixGetDifferentNames() {
        String prefix = "x".repeat(50);
        String a = prefix + "a".repeat(14);
        String b = prefix + "b".repeat(14);
        TableNames na = TableNames.of(a, NOW);
        TableNames nb = TableNames.of(b, NOW);
        assertNotEquals(na.shadow(), nb.shadow());
        assertNotEquals(na.old(), nb.old());
        // shorter, but still differing only after the first 50 characters
        String c = prefix + "c";
        String d = prefix + "d";
        assertNotEquals(TableNames.of(c, NOW).shadow(), TableNames.of(d, NOW).shadow());
        assertNotEquals(TableNames.of(c, NOW).old(), TableNames.of(d, NOW).old());
    }

    @Test
    void derivedNamesAreStable() {
        String table = "y".repeat(64);
        assertEquals(TableNames.of(table, NOW), TableNames.of(table, NOW));
    }

    static Stream<String> tables() {
        return Stream.of(
                "t",
                "orders",
                "ORDERS",
                "Order_Items",
                "café",
                "Ærøskøbing_Stämme",
                "日本語のテーブル",
                "a".repeat(40),
                "a".repeat(57),
                "z".repeat(64),
                "Z".repeat(64),
                "Customer_Order_Line_Item_Adjustment_History_Archive_2024_PPPPPPPPPP".substring(0, 64),
                "Mixed_Case_" + "Ab".repeat(26) + "Z");
    }

    /** Names past the limit whose characters at the cut are not ASCII. */
    static Stream<String> longNonAsciiTables() {
        return Stream.of(
                "b".repeat(30) + "é".repeat(34),
                "é".repeat(64),
                "日".repeat(64),
                "Straße_" + "ü".repeat(57),
                "Ærøskøbing_" + "Ø".repeat(49));
    }

    @ParameterizedTest
    @MethodSource("longNonAsciiTables")
    void longNonAsciiNamesAreShortenedAndStillSortAfterTheTable(String table) {
        everyDerivedNameSortsAfterTheTableByteWise(table);
    }

    /** The reason is in TableNames' comment: the RENAME's metadata locks are taken in name order. */
    @ParameterizedTest
    @MethodSource("tables")
    void everyDerivedNameSortsAfterTheTableByteWise(String table) {
        TableNames n = TableNames.of(table, NOW);
        for (String derived : new String[] {n.shadow(), n.old()}) {
            assertTrue(derived.length() <= 64, derived + " has " + derived.length() + " characters");
            assertTrue(bytesAfter(derived, table), derived + " must sort after " + table);
            assertTrue(bytesAfter(derived.toLowerCase(Locale.ROOT), table.toLowerCase(Locale.ROOT)),
                    derived + " must sort after " + table + " in lower case too");
        }
    }

    private static boolean bytesAfter(String name, String table) {
        return Arrays.compareUnsigned(name.getBytes(StandardCharsets.UTF_8), table.getBytes(StandardCharsets.UTF_8)) > 0;
    }

    @Test
    void revertKeepsTheOldTableAsShadowAndNamesTheCurrentTableRev() {
        TableNames n = TableNames.forRevert("orders", "orders_osc_old_20240101_000000", NOW);
        assertEquals("orders", n.source());
        assertEquals("orders_osc_old_20240101_000000", n.shadow());
        assertEquals("orders_osc_rev_20240307_090502", n.old());
    }

    @Test
    void revertRefusesAnOldTableThatSortsBeforeTheTable() {
        dev.osc.engine.OscException e = org.junit.jupiter.api.Assertions.assertThrows(dev.osc.engine.OscException.class,
                () -> TableNames.forRevert("orders", "_orders_osc_old_20240101_000000", NOW));
        assertEquals(dev.osc.engine.OscException.Kind.BAD_INPUT, e.kind());
    }

    @Test
    void theRenameStatementSwapsSourceAndShadowThroughTheOldName() {
        assertEquals("RENAME TABLE `d`.`t` TO `d`.`t_osc_old_20240307_090502`, `d`.`t_osc_new` TO `d`.`t`",
                CutOver.renameStatement("d", TableNames.of("t", NOW)));
    }
}
