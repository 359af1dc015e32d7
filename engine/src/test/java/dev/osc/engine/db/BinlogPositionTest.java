package dev.osc.engine.db;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BinlogPositionTest {

    @Test
    void ordersAcrossFilesByNumberNotText() {
        BinlogPosition nine = new BinlogPosition("binlog.000009", 900_000);
        BinlogPosition ten = new BinlogPosition("binlog.000010", 4);
        assertTrue(nine.compareTo(ten) < 0);
        assertTrue(ten.compareTo(nine) > 0);
        assertTrue(ten.isAtOrAfter(nine));
        assertFalse(nine.isAtOrAfter(ten));
    }

    @Test
    void ordersPastAWidthChangeOfTheSuffix() {
        BinlogPosition a = new BinlogPosition("mysql-bin.999999", 500);
        BinlogPosition b = new BinlogPosition("mysql-bin.1000000", 4);
        assertTrue(a.compareTo(b) < 0);
        assertTrue(b.isAtOrAfter(a));
        assertFalse(a.isAtOrAfter(b));
    }

    @Test
    void ordersWithinAFileByPosition() {
        BinlogPosition early = new BinlogPosition("binlog.000003", 120);
        BinlogPosition late = new BinlogPosition("binlog.000003", 4_000_000_000L);
        assertTrue(early.compareTo(late) < 0);
        assertTrue(late.compareTo(early) > 0);
        assertTrue(late.isAtOrAfter(early));
        assertFalse(early.isAtOrAfter(late));
    }

    @Test
    void samePositionIsAtOrAfterItself() {
        BinlogPosition p = new BinlogPosition("binlog.000003", 1234);
        BinlogPosition same = new BinlogPosition("binlog.000003", 1234);
        assertEquals(0, p.compareTo(same));
        assertTrue(p.isAtOrAfter(same));
        assertTrue(same.isAtOrAfter(p));
        assertEquals(p, same);
    }

    @Test
    void sortsAListOfPositions() {
        List<BinlogPosition> expected = List.of(
                new BinlogPosition("binlog.000001", 4),
                new BinlogPosition("binlog.000001", 256),
                new BinlogPosition("binlog.000002", 4),
                new BinlogPosition("binlog.000009", 77),
                new BinlogPosition("binlog.000010", 4),
                new BinlogPosition("binlog.000010", 1000),
                new BinlogPosition("binlog.000100", 4));
        List<BinlogPosition> shuffled = new ArrayList<>(expected);
        Collections.reverse(shuffled);
        Collections.swap(shuffled, 1, 4);
        Collections.sort(shuffled);
        assertEquals(expected, shuffled);
    }

    @Test
    void comparisonIsConsistentWithEqualsForDifferentBaseNames() {
        BinlogPosition a = new BinlogPosition("a-bin.000005", 10);
        BinlogPosition b = new BinlogPosition("b-bin.000005", 10);
        assertTrue(a.compareTo(b) != 0);
        assertEquals(Integer.signum(a.compareTo(b)), -Integer.signum(b.compareTo(a)));
    }

    @Test
    void printsAsFileColonPosition() {
        assertEquals("binlog.000010:4", new BinlogPosition("binlog.000010", 4).toString());
    }
}
